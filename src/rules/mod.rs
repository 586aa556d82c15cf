//! Rules: the TOML format, loading, compiling into a [`RuleSet`], and checking.

pub mod casefold;
pub mod check;
pub mod compile;
pub mod corpus;
pub mod coverage;
pub mod example_syntax;
pub mod generate;
pub mod load;
pub mod specificity;
pub mod syntax;
pub mod uniqueness;

pub use compile::{CompiledRule, RuleError, RuleSet};
pub use syntax::{RuleDef, Severity};
