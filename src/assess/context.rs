//! What every check reads: the snapshot, the instant it describes, and the
//! user's own lists (approved images, attestations).

use super::approved::ApprovedImages;
use super::finding::{Finding, FindingBuilder};
use crate::attest::Attestation;
use crate::snapshot::GLOBAL;
use crate::snapshot::info::AccountScope;
use crate::snapshot::read::{Answer, Snapshot};
use time::OffsetDateTime;

/// The inputs of one assessment.
pub struct Context<'a> {
    pub snapshot: &'a Snapshot,
    /// The instant the evidence describes; ages are measured to it, so the
    /// same snapshot gives the same findings whenever it is assessed.
    pub as_of: OffsetDateTime,
    pub approved_images: &'a ApprovedImages,
    pub attestations: &'a [Attestation],
    /// The one account checks look at, when the assessment runs account by
    /// account (each with its own `as_of`); `None` for every account.
    pub account: Option<&'a str>,
}

impl Context<'_> {
    pub fn accounts(&self) -> impl Iterator<Item = &AccountScope> {
        let only = self.account;
        self.snapshot
            .info
            .accounts
            .iter()
            .filter(move |a| only.is_none_or(|id| id == a.account_id))
    }

    /// Runs `per_region` for every region collected, then adds one
    /// not-assessed finding for every region the account has enabled but the
    /// snapshot does not cover. Opt-in regions the account has not enabled
    /// can hold nothing, and get no finding.
    pub fn each_region(
        &self,
        check: &str,
        mut per_region: impl FnMut(&str, &str) -> Vec<Finding>,
    ) -> Vec<Finding> {
        let mut findings = Vec::new();
        for account in self.accounts() {
            for region in &account.regions {
                findings.extend(per_region(&account.account_id, region));
            }
            if account.regions.is_empty() {
                // Nothing regional was collected: that is missing evidence,
                // not an empty account.
                findings.push(
                    Finding::on(
                        check,
                        &account.account_id,
                        crate::snapshot::GLOBAL,
                        "every region",
                    )
                    .not_assessed("no region of the account is in the snapshot"),
                );
            }
            // Without the account's list of regions, regions it has enabled
            // but nobody collected cannot be ruled out: what was collected
            // cannot speak for every region.
            let listing = self
                .snapshot
                .answer::<crate::snapshot::shapes::Regions>(&account.account_id, GLOBAL);
            if listing.value().is_none() && !account.regions.is_empty() {
                findings.push(
                    Finding::on(check, &account.account_id, GLOBAL, "every region").not_assessed(
                        format!(
                            "the account's enabled regions are unknown ({}), so regions not \
                             collected cannot be ruled out",
                            listing.why_unavailable()
                        ),
                    ),
                );
            }
            for gap in account
                .regions_not_collected
                .iter()
                .filter(|g| g.left_out())
            {
                findings.push(
                    Finding::on(check, &account.account_id, &gap.region, gap.region.clone())
                        .not_assessed("region enabled for the account but not in the snapshot"),
                );
            }
        }
        findings
    }

    /// Runs `per_account` once for every account, with its `global` scope.
    pub fn each_account(&self, mut per_account: impl FnMut(&str) -> Vec<Finding>) -> Vec<Finding> {
        self.accounts()
            .flat_map(|a| per_account(&a.account_id))
            .collect()
    }

    /// The findings `judge` gives on a region's answer of `T` and the file
    /// holding it. A call that did not answer gives one not-assessed finding
    /// for the region instead; one that answered only its first page gets a
    /// not-assessed finding for the region after the findings on that page.
    pub fn each_listed<T: crate::snapshot::shapes::FromDocument>(
        &self,
        check: &str,
        account: &str,
        region: &str,
        judge: impl FnOnce(&T, &str) -> Vec<Finding>,
    ) -> Vec<Finding> {
        let answer = self.snapshot.answer::<T>(account, region);
        let region_finding = || Finding::on(check, account, region, region);
        let Some(value) = answer.value() else {
            return vec![unavailable(region_finding(), &answer)];
        };
        let mut findings = judge(value, answer.file().unwrap_or_default());
        if let Answer::Partial { .. } = answer {
            findings.push(unavailable(region_finding(), &answer));
        }
        findings
    }

    /// The answer of a global call.
    pub fn global<T: crate::snapshot::shapes::FromDocument>(&self, account: &str) -> Answer<'_, T> {
        self.snapshot.answer(account, GLOBAL)
    }

    /// Days from `then` to the snapshot's instant (negative if later).
    pub fn days_since(&self, then: OffsetDateTime) -> i64 {
        (self.as_of - then).whole_days()
    }

    /// Days from `then` to the snapshot's instant, or why there is no age
    /// to give: an instant after the one the evidence describes means the
    /// evidence does not describe one moment (a clock set wrong, files of
    /// two exports mixed), and no age measured from it can be trusted.
    pub fn age_in_days(&self, what: &str, then: OffsetDateTime) -> Result<i64, String> {
        if then > self.as_of {
            return Err(format!(
                "{what} {} is after the evidence's own time, {}",
                crate::snapshot::shapes::Timestamp(then),
                crate::snapshot::shapes::Timestamp(self.as_of),
            ));
        }
        Ok(self.days_since(then))
    }
}

/// A not-assessed finding for an answer that is not there, naming why and
/// pointing at the error text where the snapshot has one.
pub fn unavailable<T>(builder: FindingBuilder, answer: &Answer<'_, T>) -> Finding {
    builder
        .evidence_opt(answer.file(), "")
        .not_assessed(answer.why_unavailable())
}
