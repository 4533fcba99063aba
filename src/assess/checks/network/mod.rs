//! Network exposure: security groups and network ACLs that let the whole
//! internet reach administration or database ports.
//!
//! - `rules.rs`: reading a security group rule: its protocol, its ports,
//!   and whether its source is the whole internet;
//! - `groups.rs`: the security group checks, one finding per group;
//! - `instances.rs`: which instances use a group, so that a finding can say
//!   what an open group exposes (the remote-access checks use it too);
//! - `nacl.rs`: the network ACL check.
//!
//! This file holds the registry and the port lists, and keeps the helpers
//! other families use reachable from here.

use super::Check;

mod groups;
mod instances;
mod nacl;
mod rules;

pub use instances::{GroupUsers, group_ids, instance_name, public_ip};
pub use rules::{is_world, world_open_ports};

/// Remote administration: SSH, Telnet, RDP, VNC (5500 reverse, 5900).
pub const ADMIN_PORTS: [u16; 5] = [22, 23, 3389, 5500, 5900];
/// Databases: SQL Server (1433, browser 1434), Oracle, MySQL, PostgreSQL.
pub const DATABASE_PORTS: [u16; 5] = [1433, 1434, 1521, 3306, 5432];

pub static CHECKS: &[Check] = &[
    Check {
        id: "net.admin-ports-world",
        title: "Administration ports closed to the internet",
        run: groups::admin_ports,
    },
    Check {
        id: "net.db-ports-world",
        title: "Database ports closed to the internet",
        run: groups::db_ports,
    },
    Check {
        id: "net.all-ports-world",
        title: "No security group opens every port to the internet",
        run: groups::all_ports,
    },
    Check {
        id: "net.default-sg-closed",
        title: "Default security groups allow no traffic",
        run: groups::default_groups,
    },
    Check {
        id: "net.nacl-admin-world",
        title: "Network ACLs do not admit SSH or RDP from the internet",
        run: nacl::nacls,
    },
];

#[cfg(test)]
mod tests;
