//! Checking entries' SHA-256 on a second core: this thread inflates, a
//! helper thread hashes what it inflated, and the digests are compared
//! once every entry has been read. A few buffers go back and forth between
//! the two, so memory stays flat whatever the size of the entries.

use super::{Report, structure::Entry};
use sha2::{Digest, Sha256};
use std::fs::File;
use std::io::Read;
use std::sync::mpsc::{Receiver, SyncSender, channel, sync_channel};
use zip::ZipArchive;

/// Bytes inflated before they are handed over to be hashed.
const BUFFER: usize = 256 << 10;
/// Buffers in use at once: enough for neither thread to wait on the other.
const BUFFERS: usize = 4;

enum Message {
    /// The next `.1` bytes of the entry being read.
    Data(Vec<u8>, usize),
    /// The entry ended: its digest is wanted.
    End,
    /// The entry could not be read to its end: start again.
    Abort,
}

/// The hashing thread's ends, and the comparisons waiting for it.
pub struct Hashing<'a> {
    chunks: SyncSender<Message>,
    free: Receiver<Vec<u8>>,
    digests: Receiver<[u8; 32]>,
    /// The entries read to their end, in order: path and wanted digest.
    /// Borrowed, not copied: small copies kept between one entry's
    /// inflater and the next would scatter the heap, and grow it.
    waiting: Vec<(&'a str, &'a str)>,
}

/// Runs `check` with a hashing thread beside it; the digests it queued
/// are compared (and any mismatch reported) before this returns.
pub fn with_hashing<'a, T>(
    report: &mut Report,
    entries: usize,
    check: impl FnOnce(&mut Hashing<'a>, &mut Report) -> T,
) -> T {
    std::thread::scope(|scope| {
        let (chunks, received) = sync_channel::<Message>(BUFFERS);
        let (returned, free) = sync_channel::<Vec<u8>>(BUFFERS);
        let (digested, digests) = channel::<[u8; 32]>();
        for _ in 0..BUFFERS {
            returned
                .send(vec![0u8; BUFFER])
                .expect("the buffer queue has room");
        }
        scope.spawn(move || {
            let mut hasher = Sha256::new();
            for message in received {
                match message {
                    Message::Data(buffer, n) => {
                        hasher.update(&buffer[..n]);
                        // The reader may have stopped; the buffer is then dropped.
                        let _ = returned.send(buffer);
                    }
                    Message::End => {
                        let digest: [u8; 32] = hasher.finalize_reset().into();
                        if digested.send(digest).is_err() {
                            return;
                        }
                    }
                    Message::Abort => hasher.reset(),
                }
            }
        });
        let mut hashing = Hashing {
            chunks,
            free,
            digests,
            waiting: Vec::with_capacity(entries),
        };
        let result = check(&mut hashing, report);
        hashing.finish(report);
        result
    })
}

impl<'a> Hashing<'a> {
    /// Reads `entry` to its end, never past the size it declares, and
    /// queues its digest to be compared with `want`; a read error (a
    /// damaged entry, a wrong CRC) becomes a problem at once.
    pub fn compare(
        &mut self,
        archive: &mut ZipArchive<File>,
        entry: &'a Entry,
        want: &'a str,
        report: &mut Report,
    ) {
        match self.read(archive, entry) {
            Ok(()) => self.waiting.push((&entry.path, want)),
            Err(what) => {
                let _ = self.chunks.send(Message::Abort);
                report.problem(&entry.path, what);
            }
        }
    }

    fn read(&mut self, archive: &mut ZipArchive<File>, entry: &Entry) -> Result<(), String> {
        let gone = || "cannot be hashed (the hashing thread stopped)".to_string();
        let mut file = archive
            .by_index(entry.index)
            .map_err(|e| format!("cannot be read ({e})"))?;
        let mut total = 0u64;
        loop {
            let mut buffer = self.free.recv().map_err(|_| gone())?;
            let filled = fill(&mut file, &mut buffer);
            total += *filled.as_ref().unwrap_or(&0) as u64;
            let failure = match &filled {
                Err(e) => Some(format!("damaged: {e}")),
                Ok(_) if total > entry.size => {
                    Some("holds more data than its header declares".to_string())
                }
                Ok(_) => None,
            };
            // A buffer always goes back through the hashing thread, with
            // nothing to hash when the entry failed.
            let n = match (&failure, filled) {
                (None, Ok(n)) => n,
                _ => 0,
            };
            self.chunks
                .send(Message::Data(buffer, n))
                .map_err(|_| gone())?;
            if let Some(failure) = failure {
                return Err(failure);
            }
            if n < BUFFER {
                break;
            }
        }
        self.chunks.send(Message::End).map_err(|_| gone())
    }

    /// Compares every queued digest, in the order the entries were read.
    fn finish(self, report: &mut Report) {
        let Hashing {
            chunks,
            digests,
            waiting,
            ..
        } = self;
        drop(chunks);
        for (path, want) in waiting {
            match digests.recv() {
                Ok(found) if hex::encode(found) == want => {}
                Ok(_) => report.problem(path, "SHA-256 mismatch"),
                Err(_) => report.problem(path, "cannot be hashed (the hashing thread stopped)"),
            }
        }
    }
}

/// Fills `buffer` from `file` as far as it goes; fewer bytes only at the
/// end of the entry.
fn fill(file: &mut impl Read, buffer: &mut [u8]) -> std::io::Result<usize> {
    let mut filled = 0;
    while filled < buffer.len() {
        match file.read(&mut buffer[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(filled)
}
