//! Compatibility with other scanners' files, so users can switch without losing
//! their configuration or accepted findings.

pub mod gitleaks;
