//! Writing a file so that a failure never leaves a half one: the bytes go to `NAME.partial`
//! beside it, are flushed to disk, and only a complete file is renamed into place. Every
//! command that writes a file an operator keeps (exports, backups) goes through here.

use std::io::Write;
use std::path::{Path, PathBuf};

/// Writes `path` through `write`, which gets a buffered writer on the partial file and
/// returns it when done (so a wrapper such as a gzip encoder can be finished first).
pub fn write_atomically<T>(
    path: &Path,
    write: impl FnOnce(
        std::io::BufWriter<std::fs::File>,
    ) -> Result<(T, std::io::BufWriter<std::fs::File>), String>,
) -> Result<T, String> {
    let partial = partial_path(path);
    let written = (|| {
        let file = std::fs::File::create(&partial)
            .map_err(|e| format!("cannot create {}: {e}", partial.display()))?;
        let (value, writer) = write(std::io::BufWriter::new(file))?;
        let fail = |e: std::io::Error| format!("cannot write {}: {e}", path.display());
        let file = writer.into_inner().map_err(|e| fail(e.into_error()))?;
        file.sync_all().map_err(fail)?;
        std::fs::rename(&partial, path).map_err(fail)?;
        Ok(value)
    })();
    if written.is_err() {
        let _ = std::fs::remove_file(&partial);
    }
    written
}

/// Writes `bytes` to `path` with [`write_atomically`].
pub fn write_bytes(path: &Path, bytes: &[u8]) -> Result<(), String> {
    write_atomically(path, |mut w| {
        w.write_all(bytes)
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        Ok(((), w))
    })
}

fn partial_path(path: &Path) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(".partial");
    path.with_file_name(name)
}
