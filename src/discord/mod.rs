//! Discord front end (in progress).
