//! Counted nouns for messages: `1 slot`, `2 slots`. Pure; any layer may use it.

/// `one` when `n` is 1, else `many`.
pub fn plural(n: usize, one: &'static str, many: &'static str) -> &'static str {
    if n == 1 { one } else { many }
}

/// `n` and its noun: `1 key`, `0 keys`, `2 keys`.
pub fn counted(n: impl std::fmt::Display, one: &str, many: &str) -> String {
    let n = n.to_string();
    let noun = if n == "1" { one } else { many };
    format!("{n} {noun}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_is_singular_and_every_other_count_plural() {
        assert_eq!(counted(1u32, "slot", "slots"), "1 slot");
        assert_eq!(counted(0u32, "slot", "slots"), "0 slots");
        assert_eq!(counted(2u64, "key", "keys"), "2 keys");
        assert_eq!(plural(1, "master", "masters"), "master");
        assert_eq!(plural(3, "master", "masters"), "masters");
    }
}
