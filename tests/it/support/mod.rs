//! Shared test helpers and loopback fakes.
