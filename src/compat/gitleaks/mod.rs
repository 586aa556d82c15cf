//! Compatibility with gitleaks: config import (`leakhound config import-gitleaks`),
//! `.gitleaksignore` fingerprints, and the rule-id alias table both use.

pub mod aliases;
pub mod ignore;
pub mod import;
