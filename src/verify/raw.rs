//! The zip's own records, read byte by byte, held to what auditpack
//! writes. A bundle is reproducible: every entry has the same time, mode,
//! flags and versions, local headers repeat the central directory, and
//! nothing follows the end record. Any other byte is a change made after
//! sealing, even one that alters no content (APPNOTE 4.3.7, 4.3.12, 4.3.16).

use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::Path;

const CENTRAL: &[u8; 4] = b"PK\x01\x02";
const LOCAL: &[u8; 4] = b"PK\x03\x04";
const END: &[u8; 4] = b"PK\x05\x06";
/// The end-of-central-directory record without a comment.
const END_LEN: u64 = 22;
/// No bundle's central directory is this large.
const MAX_DIRECTORY: u64 = 1 << 30;

/// The fields of a central-directory record that must be the same for
/// every entry, with the local header's copy of them.
#[derive(Debug, PartialEq, Eq, Clone)]
struct Shared {
    made_by: u16,
    time: u16,
    date: u16,
    internal: u16,
    external: u32,
    disk: u16,
    comment_len: u16,
}

fn u16_at(b: &[u8], at: usize) -> u16 {
    u16::from_le_bytes([b[at], b[at + 1]])
}

fn u32_at(b: &[u8], at: usize) -> u32 {
    u32::from_le_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]])
}

/// Checks the central directory at `start` (with `count` entries), every
/// local header, and the end of the file; the first difference found.
pub fn canonical(zip: &Path, start: u64, count: usize) -> Result<(), String> {
    let io = |e: std::io::Error| format!("cannot read the zip's records ({e})");
    let mut file = File::open(zip).map_err(io)?;
    let length = file.metadata().map_err(io)?.len();
    let directory_len = length.saturating_sub(start);
    if directory_len > MAX_DIRECTORY {
        return Err("the central directory is larger than any bundle's".into());
    }
    let mut directory = Vec::new();
    file.seek(SeekFrom::Start(start)).map_err(io)?;
    file.by_ref()
        .take(directory_len)
        .read_to_end(&mut directory)
        .map_err(io)?;

    let mut at = 0usize;
    let mut first: Vec<(u16, Shared)> = Vec::new();
    let mut flags_by_method: Vec<(u16, u16)> = Vec::new();
    for index in 0..count {
        let record = directory.get(at..at + 46).filter(|r| r[..4] == *CENTRAL);
        let record = record
            .ok_or_else(|| format!("central record {index} is not where the directory says"))?;
        let method = u16_at(record, 10);
        if method != 0 && method != 8 {
            return Err(format!(
                "central record {index} uses compression method {method}; bundles are stored or deflated"
            ));
        }
        // Flags carry the compression level, so they are the same within a
        // method (stored tag files, deflated evidence), not across methods.
        let flags = u16_at(record, 8);
        match flags_by_method.iter().find(|(m, _)| *m == method) {
            Some((_, first)) if *first != flags => {
                return Err(format!(
                    "central record {index} differs from the others in its flags"
                ));
            }
            Some(_) => {}
            None => flags_by_method.push((method, flags)),
        }
        let shared = Shared {
            made_by: u16_at(record, 4),
            time: u16_at(record, 12),
            date: u16_at(record, 14),
            internal: u16_at(record, 36),
            external: u32_at(record, 38),
            disk: u16_at(record, 34),
            comment_len: u16_at(record, 32),
        };
        let (name_len, extra_len) = (
            usize::from(u16_at(record, 28)),
            usize::from(u16_at(record, 30)),
        );
        if shared.disk != 0 || shared.comment_len != 0 {
            return Err(format!(
                "central record {index} has a disk number or a comment"
            ));
        }
        // One set of fixed fields per compression method (stored tag files,
        // deflated evidence): the writer's version and flags follow it.
        match first.iter().find(|(m, _)| *m == method) {
            None => first.push((method, shared.clone())),
            Some((_, f)) if *f != shared => {
                return Err(format!(
                    "central record {index} differs from the others in its fixed fields"
                ));
            }
            Some(_) => {}
        }
        let name = directory
            .get(at + 46..at + 46 + name_len)
            .ok_or("a central record runs past the directory")?;
        let local = u32_at(record, 42);
        let (crc, packed, size) = (u32_at(record, 16), u32_at(record, 20), u32_at(record, 24));
        check_local(
            &mut file,
            u64::from(local),
            &shared,
            (u16_at(record, 6), method, flags),
            (crc, packed, size),
            name,
            extra_len,
        )
        .map_err(|e| {
            format!(
                "the local header of `{}` {e}",
                String::from_utf8_lossy(name)
            )
        })?;
        at += 46 + name_len + extra_len;
    }
    check_end(&directory[at..], count, at, start)
}

/// A local header must repeat its central record.
fn check_local(
    file: &mut File,
    offset: u64,
    shared: &Shared,
    (needed, method, flags): (u16, u16, u16),
    (crc, packed, size): (u32, u32, u32),
    name: &[u8],
    central_extra: usize,
) -> Result<(), String> {
    let mut header = vec![0u8; 30 + name.len()];
    file.seek(SeekFrom::Start(offset))
        .map_err(|e| e.to_string())?;
    file.read_exact(&mut header)
        .map_err(|_| "is cut short".to_string())?;
    let same = header[..4] == *LOCAL
        && u16_at(&header, 4) == needed
        && u16_at(&header, 6) == flags
        && u16_at(&header, 8) == method
        && u16_at(&header, 10) == shared.time
        && u16_at(&header, 12) == shared.date
        && u32_at(&header, 14) == crc
        && u32_at(&header, 18) == packed
        && u32_at(&header, 22) == size
        && usize::from(u16_at(&header, 26)) == name.len()
        && usize::from(u16_at(&header, 28)) == central_extra
        && &header[30..] == name;
    if same {
        Ok(())
    } else {
        Err("differs from its central record".into())
    }
}

/// The end record must follow the directory at once, count every entry,
/// carry no comment, and end the file.
fn check_end(rest: &[u8], count: usize, directory_len: usize, start: u64) -> Result<(), String> {
    // A ZIP64 end record and locator (`PK\x06\x06`, `PK\x06\x07`) may come
    // first in bundles past 4 GiB or 65,535 entries.
    let end = rest
        .windows(4)
        .position(|w| w == END)
        .ok_or("no end-of-central-directory record")?;
    let record = &rest[end..];
    if record.len() as u64 != END_LEN {
        return Err(
            "bytes follow the end-of-central-directory record (a comment or appended data)".into(),
        );
    }
    if end != 0 && !rest.starts_with(b"PK\x06\x06") {
        return Err("bytes lie between the central directory and its end record".into());
    }
    let entries = usize::from(u16_at(record, 10));
    let disk_entries = usize::from(u16_at(record, 8));
    let (disk, directory_disk) = (u16_at(record, 4), u16_at(record, 6));
    let size = u32_at(record, 12) as usize;
    let counts_fit = entries == count || entries == 0xFFFF;
    let sizes_fit = size == directory_len || size == 0xFFFF_FFFF_usize;
    let offset = u64::from(u32_at(record, 16));
    let offset_fits = offset == start || offset == 0xFFFF_FFFF;
    if disk != 0
        || directory_disk != 0
        || disk_entries != entries
        || !counts_fit
        || !sizes_fit
        || !offset_fits
    {
        return Err("the end-of-central-directory record does not match the directory".into());
    }
    Ok(())
}
