//! Counting in English, for messages: "1 rule", "no rules", "both
//! findings", so that no sentence reads "1 rules" or "all 2 findings".

/// `n` and the noun it counts: `no rules`, `1 rule`, `3 rules`.
pub fn count(n: usize, one: &str, many: &str) -> String {
    match n {
        0 => format!("no {many}"),
        1 => format!("1 {one}"),
        n => format!("{n} {many}"),
    }
}

/// Every one of `n` things, `n` at least 1: `the finding`, `both findings`,
/// `all 3 findings`. The verb that follows agrees with `n == 1`.
pub fn every(n: usize, one: &str, many: &str) -> String {
    match n {
        0 | 1 => format!("the {one}"),
        2 => format!("both {many}"),
        n => format!("all {n} {many}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_agree_with_their_nouns() {
        assert_eq!(count(0, "rule", "rules"), "no rules");
        assert_eq!(count(1, "rule", "rules"), "1 rule");
        assert_eq!(count(2, "rule", "rules"), "2 rules");
        assert_eq!(every(1, "finding", "findings"), "the finding");
        assert_eq!(every(2, "finding", "findings"), "both findings");
        assert_eq!(every(5, "finding", "findings"), "all 5 findings");
    }
}
