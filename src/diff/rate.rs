//! How much a change matters and which way it goes; the rules are listed
//! in the module docs of [`super`].

use super::resources::Kind;
use super::{Direction, Severity};
use crate::controls::ControlStatus;

/// Higher is better; statuses of one rank are alike.
fn rank(status: ControlStatus) -> u8 {
    match status {
        ControlStatus::Fail => 0,
        ControlStatus::Incomplete | ControlStatus::Manual => 1,
        ControlStatus::Pass | ControlStatus::NotApplicable => 2,
    }
}

/// Which way a control's status moved. A fall is worse whatever the
/// cause. A rise is better, except that it is neutral when it comes with
/// a changed mapping (the yardstick moved, not the account), or when it
/// stops short of `pass` with less evidence than before: more findings
/// not assessed, or a failing finding of its checks no longer assessed
/// (`fail` → `incomplete` for want of evidence: the fault may be there
/// still).
pub(super) fn control_direction(
    before: ControlStatus,
    after: ControlStatus,
    mapping_changed: bool,
    less_evidence: bool,
) -> Direction {
    match rank(after).cmp(&rank(before)) {
        std::cmp::Ordering::Less => Direction::Worse,
        std::cmp::Ordering::Equal => Direction::Neutral,
        std::cmp::Ordering::Greater if mapping_changed => Direction::Neutral,
        std::cmp::Ordering::Greater if less_evidence && rank(after) == 1 => Direction::Neutral,
        std::cmp::Ordering::Greater => Direction::Better,
    }
}

/// How much a failing finding of `check_id` matters.
pub fn finding_severity(check_id: &str) -> Severity {
    // A default group that admits its own members exposes nothing to the
    // internet: a hygiene finding, not an exposure.
    if check_id == "net.default-sg-closed" {
        Severity::Medium
    } else if check_id.starts_with("net.")
        || check_id.starts_with("iam.root-")
        || check_id == "remote.no-direct-admin"
    {
        Severity::High
    } else if ["iam.", "mon.", "image.", "imds.", "assure."]
        .iter()
        .any(|p| check_id.starts_with(p))
    {
        Severity::Medium
    } else {
        Severity::Low
    }
}

/// Ports whose exposure to the world is most dangerous: remote
/// administration and databases, as the network checks count them.
fn dangerous_ports(rule: &str) -> bool {
    use crate::assess::checks::network::{ADMIN_PORTS, DATABASE_PORTS};
    let spec = rule.split(" from ").next().unwrap_or(rule);
    if spec == "all traffic" || spec.ends_with("(all ports)") {
        return true;
    }
    let range = spec.split(['/', ' ']).nth(1).unwrap_or("");
    let (from, to) = match range.split_once('-') {
        Some((a, b)) => (a.parse::<u16>().ok(), b.parse::<u16>().ok()),
        None => (range.parse().ok(), range.parse().ok()),
    };
    let (Some(from), Some(to)) = (from, to) else {
        return false;
    };
    ADMIN_PORTS
        .iter()
        .chain(DATABASE_PORTS.iter())
        .any(|p| (from..=to).contains(p))
}

/// A rule's protocol and port range, from the words of its fact:
/// `all traffic` is every protocol and port.
fn reach(spec: &str) -> Option<(&str, u16, u16)> {
    if spec == "all traffic" {
        return Some(("*", 0, 65535));
    }
    let (protocol, ports) = spec.split_once(['/', ' '])?;
    if ports == "(all ports)" {
        return Some((protocol, 0, 65535));
    }
    let (from, to) = ports.split_once('-').unwrap_or((ports, ports));
    Some((protocol, from.parse().ok()?, to.parse().ok()?))
}

/// Whether the inbound rule `fact` (`tcp/443 from 0.0.0.0/0`), gone from a
/// group, is still as open through another rule among `now`, the group's
/// facts after: a rule widened is no rule removed.
pub(super) fn still_reached<'a>(fact: &str, mut now: impl Iterator<Item = &'a String>) -> bool {
    let Some((spec, source)) = fact.split_once(" from ") else {
        return false;
    };
    let Some((protocol, from, to)) = reach(spec) else {
        return false;
    };
    now.any(|other| {
        let Some((other_spec, other_source)) = other.split_once(" from ") else {
            return false;
        };
        other_source == source
            && reach(other_spec)
                .is_some_and(|(p, a, b)| (p == "*" || p == protocol) && a <= from && to <= b)
    })
}

/// Severity and direction of one changed fact; see the module docs.
pub(super) fn rate(
    kind: Kind,
    fact: &str,
    before: Option<&str>,
    after: Option<&str>,
) -> (Severity, Direction) {
    let appeared = before.is_none();
    if kind == Kind::SecurityGroup && !fact.starts_with("outbound ") && !fact.starts_with("tag ") {
        let world = fact.ends_with(" from 0.0.0.0/0") || fact.ends_with(" from ::/0");
        if !world {
            return (Severity::Low, Direction::Neutral);
        }
        let severity = if dangerous_ports(fact) {
            Severity::High
        } else {
            Severity::Medium
        };
        let direction = if appeared {
            Direction::Worse
        } else {
            Direction::Better
        };
        return (severity, direction);
    }
    // Switches that protect: on is good, off is worse.
    let good = |v: Option<&str>| -> Option<bool> {
        let v = v?;
        Some(match fact {
            "IMDS tokens" => v == "required",
            "status" => v == "ENABLED",
            _ => v.eq_ignore_ascii_case("true"),
        })
    };
    let switch = matches!(
        fact,
        "MFA" | "logging" | "log file validation" | "IMDS tokens" | "status"
    ) || (kind == Kind::Instance && fact == "public IP");
    if !switch {
        return (Severity::Low, Direction::Neutral);
    }
    if fact == "public IP" {
        let direction = match (before, after) {
            (None, Some(_)) => Direction::Worse,
            (Some(_), None) => Direction::Better,
            _ => Direction::Neutral,
        };
        return (Severity::Medium, direction);
    }
    let direction = match (good(before), good(after)) {
        (Some(true), Some(false)) | (Some(true), None) => Direction::Worse,
        (Some(false), Some(true)) | (None, Some(true)) => Direction::Better,
        _ => Direction::Neutral,
    };
    (Severity::Medium, direction)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_world_rule_on_an_admin_or_database_port_is_high_and_others_medium() {
        let sg = Kind::SecurityGroup;
        let added = |rule| rate(sg, rule, None, Some(""));
        assert_eq!(
            added("tcp/3389 from 0.0.0.0/0"),
            (Severity::High, Direction::Worse)
        );
        assert_eq!(
            added("tcp 3380-3395 from ::/0"),
            (Severity::High, Direction::Worse)
        );
        assert_eq!(
            added("all traffic from 0.0.0.0/0"),
            (Severity::High, Direction::Worse)
        );
        assert_eq!(
            added("tcp/443 from 0.0.0.0/0"),
            (Severity::Medium, Direction::Worse)
        );
        assert_eq!(
            added("tcp/3389 from 203.0.113.32/28"),
            (Severity::Low, Direction::Neutral)
        );
        assert_eq!(
            rate(sg, "tcp/5432 from 0.0.0.0/0", Some(""), None),
            (Severity::High, Direction::Better)
        );
        assert_eq!(
            rate(sg, "tag Owner", Some("a"), Some("b")),
            (Severity::Low, Direction::Neutral)
        );
    }

    #[test]
    fn switches_that_protect_are_worse_when_turned_off() {
        let user = Kind::User;
        assert_eq!(
            rate(user, "MFA", Some("true"), Some("false")),
            (Severity::Medium, Direction::Worse)
        );
        assert_eq!(
            rate(Kind::Trail, "logging", Some("false"), Some("true")),
            (Severity::Medium, Direction::Better)
        );
        assert_eq!(
            rate(
                Kind::Instance,
                "IMDS tokens",
                Some("required"),
                Some("optional")
            ),
            (Severity::Medium, Direction::Worse)
        );
        assert_eq!(
            rate(Kind::Detector, "status", Some("ENABLED"), Some("DISABLED")),
            (Severity::Medium, Direction::Worse)
        );
        assert_eq!(
            rate(Kind::Instance, "type", Some("t3.micro"), Some("t3.large")),
            (Severity::Low, Direction::Neutral)
        );
    }

    #[test]
    fn a_control_is_worse_when_it_moves_down_a_rank_and_better_only_when_judged_so() {
        use ControlStatus::*;
        let d = |a, b| control_direction(a, b, false, false);
        assert_eq!(d(Pass, Fail), Direction::Worse);
        assert_eq!(d(Pass, Incomplete), Direction::Worse);
        assert_eq!(d(Manual, Pass), Direction::Better);
        assert_eq!(d(Incomplete, Manual), Direction::Neutral);
        assert_eq!(d(Pass, NotApplicable), Direction::Neutral);
        // The failing findings pass now; a part no check can show keeps
        // the control incomplete, as it was before.
        assert_eq!(d(Fail, Incomplete), Direction::Better);
        // Less evidence of a failing control is no fix.
        assert_eq!(
            control_direction(Fail, Incomplete, false, true),
            Direction::Neutral
        );
        // A rise that comes with a new mapping is the yardstick moving.
        assert_eq!(
            control_direction(Fail, Pass, true, false),
            Direction::Neutral
        );
        assert_eq!(
            control_direction(Fail, Manual, true, false),
            Direction::Neutral
        );
        assert_eq!(control_direction(Pass, Fail, true, false), Direction::Worse);
    }

    #[test]
    fn a_rule_widened_still_reaches_what_the_narrow_one_did() {
        let now = |facts: &[&str]| -> Vec<String> { facts.iter().map(|f| f.to_string()).collect() };
        let wide = now(&["tcp (all ports) from 0.0.0.0/0"]);
        assert!(still_reached("tcp/443 from 0.0.0.0/0", wide.iter()));
        assert!(!still_reached("tcp/443 from ::/0", wide.iter()));
        assert!(!still_reached("udp/53 from 0.0.0.0/0", wide.iter()));
        let all = now(&["all traffic from 0.0.0.0/0"]);
        assert!(still_reached("udp/53 from 0.0.0.0/0", all.iter()));
        let range = now(&["tcp 3380-3395 from 0.0.0.0/0"]);
        assert!(still_reached("tcp/3389 from 0.0.0.0/0", range.iter()));
        assert!(!still_reached("tcp/22 from 0.0.0.0/0", range.iter()));
    }

    #[test]
    fn a_default_group_admitting_its_members_is_not_rated_as_exposure() {
        assert_eq!(finding_severity("net.default-sg-closed"), Severity::Medium);
        assert_eq!(
            finding_severity("assure.annual-assessment"),
            Severity::Medium
        );
        assert_eq!(finding_severity("net.admin-ports-world"), Severity::High);
    }
}
