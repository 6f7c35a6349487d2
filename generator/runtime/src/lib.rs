//! oagen runtime
