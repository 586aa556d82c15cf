//! Rules: the TOML format, loading, compiling into a [`RuleSet`], and example
//! generators. The checker that runs rules through the engine is `crate::lint`.

pub mod casefold;
pub mod compile;
pub mod corpus;
pub mod coverage;
pub mod generate;
pub mod keyword_proof;
pub mod load;
pub mod specificity;
pub mod syntax;

pub use compile::{CompiledRule, RuleError, RuleSet};
pub use syntax::{RuleDef, Severity};
