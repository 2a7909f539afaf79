//! Resident memory of this process, read from `/proc/self/status` (Linux).
//!
//! `VmHWM` is the kernel's high-water mark of the resident set: the peak RSS
//! since the process started or since [`reset_peak`]. Elsewhere these
//! functions return `None` / `false`, and the report says "n/a".

/// Peak resident set size in bytes (`VmHWM`), if the platform tells.
pub fn peak_rss_bytes() -> Option<u64> {
    status_field("VmHWM:")
}

/// Current resident set size in bytes (`VmRSS`), if the platform tells.
pub fn current_rss_bytes() -> Option<u64> {
    status_field("VmRSS:")
}

/// Resets the peak to the current RSS (writes `5` to `/proc/self/clear_refs`,
/// Linux 4.0+), so that setup such as generating the test data does not count.
/// Returns whether it worked.
pub fn reset_peak() -> bool {
    #[cfg(target_os = "linux")]
    {
        std::fs::write("/proc/self/clear_refs", "5").is_ok()
    }
    #[cfg(not(target_os = "linux"))]
    {
        false
    }
}

#[cfg(target_os = "linux")]
fn status_field(name: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    parse_kb_field(&status, name)
}

#[cfg(not(target_os = "linux"))]
fn status_field(_name: &str) -> Option<u64> {
    None
}

/// Finds `name` (e.g. `VmHWM:`) in `/proc/*/status` text and returns its
/// value in bytes (the file gives kB).
fn parse_kb_field(status: &str, name: &str) -> Option<u64> {
    let line = status.lines().find(|l| l.starts_with(name))?;
    let mut parts = line[name.len()..].split_whitespace();
    let value: u64 = parts.next()?.parse().ok()?;
    match parts.next() {
        Some("kB") | None => value.checked_mul(1024),
        Some(_) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_status_lines() {
        let s = "Name:\tx\nVmPeak:\t  9999 kB\nVmHWM:\t    2048 kB\nVmRSS:\t 1024 kB\n";
        assert_eq!(parse_kb_field(s, "VmHWM:"), Some(2048 * 1024));
        assert_eq!(parse_kb_field(s, "VmRSS:"), Some(1024 * 1024));
        assert_eq!(parse_kb_field(s, "VmSwap:"), None);
        assert_eq!(parse_kb_field("VmHWM:\tlots kB\n", "VmHWM:"), None);
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn peak_is_at_least_current() {
        let cur = current_rss_bytes().unwrap();
        let peak = peak_rss_bytes().unwrap();
        assert!(cur > 0 && peak >= cur, "{cur} {peak}");
    }
}
