//! Compressing payload files on every core, pigz's way, for a zip written
//! in order by one thread.
//!
//! Each file is cut into chunks of [`CHUNK`] bytes at fixed offsets. Each
//! chunk is deflated on its own by a worker, primed with the 32 KiB before
//! it as a preset dictionary (so matches still reach back across the cut),
//! and ended with a sync flush: an empty stored block that leaves the output
//! on a byte boundary. Joined in order, the chunks form one deflate stream
//! that lacks only its final block; the zip writer's own encoder, given no
//! input, adds that block when the entry is closed.
//!
//! The chunks depend only on the file's bytes, never on the number of
//! workers or on which finished first, so the zip stays the same to the
//! byte. At most [`IN_FLIGHT`] chunks are read ahead of the writer, so
//! memory stays flat whatever the size of the files.

use super::{BundleError, Payload};
use flate2::{Compress, Compression, FlushCompress};
use std::collections::BTreeMap;
use std::fs::File;
use std::io::Read;
use std::sync::mpsc::{Receiver, Sender, SyncSender, channel, sync_channel};
use std::sync::{Arc, Mutex};

/// Bytes of a file deflated as one piece.
pub const CHUNK: usize = 1 << 20;
/// How far back deflate can refer: the dictionary each chunk is primed with.
const WINDOW: usize = 32 << 10;
/// Chunks read but not yet written, at most.
const IN_FLIGHT: usize = 8;

/// What the writer receives, in payload order.
pub enum Piece {
    /// The payload file `index` begins.
    Start(usize),
    /// The next part of the file: its bytes as read (to hash, unless the
    /// file was hashed before), their CRC-32 and their deflated form (to
    /// write as they are). When the part is the whole file and it was not
    /// hashed before, its SHA-256 was computed beside the deflating, and is
    /// given.
    Data {
        raw: Vec<u8>,
        crc: crc32fast::Hasher,
        packed: Vec<u8>,
        sha256: Option<String>,
    },
    /// The file ended after `read` bytes.
    End { read: u64 },
}

/// A chunk for a worker: its place in the sequence, its bytes and the
/// bytes before it in the same file.
struct Job {
    sequence: u64,
    raw: Vec<u8>,
    dictionary: Vec<u8>,
    /// The chunk is the whole file, not yet hashed: its SHA-256 is wanted.
    hash: bool,
}

type Outcome = (u64, Result<Piece, BundleError>);

/// Reads, compresses and hands every file of `items` to `sink` in order,
/// with `workers` threads deflating at `level`. Stops at the first error,
/// the reader's or the sink's.
pub fn compress_files(
    items: &[Payload],
    level: u32,
    workers: usize,
    mut sink: impl FnMut(Piece) -> Result<(), BundleError>,
) -> Result<(), BundleError> {
    std::thread::scope(|scope| {
        let (outcomes, received) = channel::<Outcome>();
        let (jobs, queue) = sync_channel::<Job>(IN_FLIGHT);
        let (tokens, token_source) = sync_channel::<()>(IN_FLIGHT);
        for _ in 0..IN_FLIGHT {
            tokens.send(()).expect("the token queue has room");
        }
        let queue = Arc::new(Mutex::new(queue));
        for _ in 0..workers.max(1) {
            let (queue, outcomes) = (queue.clone(), outcomes.clone());
            scope.spawn(move || deflate_jobs(&queue, &outcomes, level));
        }
        let reader_outcomes = outcomes.clone();
        drop(outcomes);
        scope.spawn(move || read_files(items, &jobs, &reader_outcomes, &token_source));
        // `received` and `tokens` are moved in, so both are dropped when
        // writing stops: the reader and the workers then see their channels
        // closed and end, and the scope can join them.
        write_in_order(received, tokens, &mut sink)
    })
}

/// The reader: every file in chunks, each after a token is free.
fn read_files(
    items: &[Payload],
    jobs: &SyncSender<Job>,
    outcomes: &Sender<Outcome>,
    tokens: &Receiver<()>,
) {
    let mut sequence = 0u64;
    // Each piece waits for a token, which the writer returns once the
    // piece is written; false when the writer has stopped.
    let mut next = |piece: Option<Result<Piece, BundleError>>, raw: Option<Job>| -> bool {
        if tokens.recv().is_err() {
            return false;
        }
        let sent = match (piece, raw) {
            (Some(piece), _) => outcomes.send((sequence, piece)).is_ok(),
            (None, Some(mut job)) => {
                job.sequence = sequence;
                jobs.send(job).is_ok()
            }
            (None, None) => true,
        };
        sequence += 1;
        sent
    };
    for (index, item) in items.iter().enumerate() {
        if !next(Some(Ok(Piece::Start(index))), None) {
            return;
        }
        // A read error is handed on in sequence, and stops the reading.
        let io = |source| {
            Some(Err(BundleError::Io {
                path: item.source.clone(),
                source,
            }))
        };
        let Ok(mut file) = File::open(&item.source).map_err(|e| next(io(e), None)) else {
            return;
        };
        let mut read = 0u64;
        let mut dictionary = Vec::new();
        loop {
            let Ok(raw) = fill(&mut file, CHUNK).map_err(|e| next(io(e), None)) else {
                return;
            };
            if raw.is_empty() {
                break;
            }
            read += raw.len() as u64;
            let full = raw.len() == CHUNK;
            let tail = raw[raw.len().saturating_sub(WINDOW)..].to_vec();
            let job = Job {
                sequence: 0,
                hash: item.digest.is_none()
                    && !full
                    && dictionary.is_empty()
                    && read == raw.len() as u64,
                raw,
                dictionary: std::mem::replace(&mut dictionary, tail),
            };
            if !next(None, Some(job)) {
                return;
            }
            if !full {
                break;
            }
        }
        if !next(Some(Ok(Piece::End { read })), None) {
            return;
        }
    }
}

/// Up to `len` bytes of `file`, fewer only at its end.
fn fill(file: &mut File, len: usize) -> std::io::Result<Vec<u8>> {
    let mut bytes = Vec::with_capacity(len);
    file.take(len as u64).read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// A worker: deflates chunks until the queue closes.
fn deflate_jobs(queue: &Mutex<Receiver<Job>>, outcomes: &Sender<Outcome>, level: u32) {
    loop {
        let job = {
            let Ok(queue) = queue.lock() else { return };
            match queue.recv() {
                Ok(job) => job,
                Err(_) => return,
            }
        };
        let piece = deflate_chunk(level, &job.raw, &job.dictionary).map(|packed| {
            let mut crc = crc32fast::Hasher::new();
            crc.update(&job.raw);
            let sha256 = job
                .hash
                .then(|| hex::encode(<sha2::Sha256 as sha2::Digest>::digest(&job.raw)));
            Piece::Data {
                raw: job.raw,
                crc,
                packed,
                sha256,
            }
        });
        if outcomes.send((job.sequence, piece)).is_err() {
            return;
        }
    }
}

/// One chunk as raw deflate blocks ending in a sync flush. A compressor
/// of its own each time: one reset after other chunks can carry state over
/// from them, and then the output would depend on which chunks a worker
/// happened to take before.
fn deflate_chunk(level: u32, raw: &[u8], dictionary: &[u8]) -> Result<Vec<u8>, BundleError> {
    let failed = |e: flate2::CompressError| BundleError::Zip(format!("deflate failed: {e}"));
    let mut compress = Compress::new(Compression::new(level), false);
    if !dictionary.is_empty() {
        compress.set_dictionary(dictionary).map_err(failed)?;
    }
    let mut packed = Vec::with_capacity(raw.len() / 4 + 1024);
    let mut consumed = 0usize;
    loop {
        if packed.capacity() - packed.len() < 1024 {
            packed.reserve(packed.capacity());
        }
        let before = compress.total_in();
        compress
            .compress_vec(&raw[consumed..], &mut packed, FlushCompress::Sync)
            .map_err(failed)?;
        consumed += (compress.total_in() - before) as usize;
        // The flush is complete once all input is taken and the output
        // did not fill the room it was given.
        if consumed == raw.len() && packed.len() < packed.capacity() {
            return Ok(packed);
        }
    }
}

/// The writer's side: pieces put back in sequence, each handed to `sink`,
/// its token then returned to the reader.
fn write_in_order(
    received: Receiver<Outcome>,
    tokens: SyncSender<()>,
    sink: &mut impl FnMut(Piece) -> Result<(), BundleError>,
) -> Result<(), BundleError> {
    let mut waiting: BTreeMap<u64, Result<Piece, BundleError>> = BTreeMap::new();
    let mut next = 0u64;
    for (sequence, outcome) in received.iter() {
        waiting.insert(sequence, outcome);
        while let Some(outcome) = waiting.remove(&next) {
            sink(outcome?)?;
            next += 1;
            // The reader may have finished; a token nobody takes is fine.
            let _ = tokens.try_send(());
        }
    }
    // Every sender is gone: the reader finished (or stopped) and so did
    // the workers. Anything still waiting is out of sequence.
    if waiting.is_empty() {
        Ok(())
    } else {
        Err(BundleError::Zip("a compressed chunk went missing".into()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use flate2::{Decompress, FlushDecompress};

    /// Chunks joined, then a final empty block, as the zip writer ends an
    /// entry.
    fn joined(data: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        let mut dictionary: &[u8] = &[];
        for chunk in data.chunks(CHUNK) {
            out.extend(deflate_chunk(5, chunk, dictionary).unwrap());
            dictionary = &chunk[chunk.len().saturating_sub(WINDOW)..];
        }
        out.extend([0x03, 0x00]);
        out
    }

    fn inflate(packed: &[u8], size: usize) -> Vec<u8> {
        let mut decompress = Decompress::new(false);
        let mut out = Vec::with_capacity(size + 1);
        let status = decompress
            .decompress_vec(packed, &mut out, FlushDecompress::Finish)
            .unwrap();
        assert_eq!(status, flate2::Status::StreamEnd);
        assert_eq!(decompress.total_in(), packed.len() as u64);
        out
    }

    #[test]
    fn chunks_joined_inflate_to_the_original_bytes() {
        let mut data = Vec::new();
        let mut n = 0u64;
        while data.len() < 3 * CHUNK + 12_345 {
            n = n.wrapping_mul(6364136223846793005).wrapping_add(1);
            data.extend(format!("{{\"CidrIp\": \"10.{}.0.0/24\"}},\n", n >> 56).bytes());
        }
        let packed = joined(&data);
        assert_eq!(inflate(&packed, data.len()), data);
        // The dictionary keeps the ratio close to one stream's.
        let whole = {
            let mut c = Compress::new(Compression::new(5), false);
            let mut out = Vec::with_capacity(data.len());
            c.compress_vec(&data, &mut out, FlushCompress::Finish)
                .unwrap();
            out
        };
        assert!(packed.len() < whole.len() + whole.len() / 50);
    }

    /// The same chunk deflates to the same bytes whatever was deflated
    /// before it, in whichever order.
    #[test]
    fn a_chunk_deflates_the_same_after_any_other() {
        let text = |seed: u64, len: usize| {
            let mut n = seed;
            let mut out = Vec::new();
            while out.len() < len {
                n = n
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                out.extend(
                    format!(
                        "{{\"Description\": \"tier {} subnet {}\"}},\n",
                        n >> 60,
                        n >> 40
                    )
                    .bytes(),
                );
            }
            out
        };
        let (a, b) = (text(1, CHUNK), text(2, CHUNK / 3));
        let dictionary = &a[a.len() - WINDOW..];
        let alone = deflate_chunk(5, &b, dictionary).unwrap();
        deflate_chunk(5, &a, &[]).unwrap();
        deflate_chunk(5, &text(3, 77_777), &b[..WINDOW]).unwrap();
        assert_eq!(deflate_chunk(5, &b, dictionary).unwrap(), alone);
    }

    #[test]
    fn an_empty_chunk_list_is_the_final_block_alone() {
        assert_eq!(inflate(&joined(&[]), 0), Vec::<u8>::new());
    }
}
