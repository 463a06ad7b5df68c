//! Progress bars for the long commands (`fika seed`, `reindex`, `backup`, `restore`): drawn
//! on standard error when a person watches, hidden in scripts and logs.

use indicatif::{ProgressBar, ProgressStyle};

use crate::error::{AppError, AppResult};

/// A bar of `len` steps in indicatif's `template`, shown only when `show`.
pub fn bar(len: u64, show: bool, template: &str) -> AppResult<ProgressBar> {
    let bar = if show {
        ProgressBar::new(len)
    } else {
        ProgressBar::hidden()
    };
    bar.set_style(ProgressStyle::with_template(template).map_err(AppError::internal)?);
    Ok(bar)
}
