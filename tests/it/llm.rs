//! LLM provider tests against loopback fakes.
