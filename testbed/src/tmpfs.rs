//! A small tmpfs mounted for a test, to run out of disk space on purpose. Mounting needs root
//! (or `CAP_SYS_ADMIN`); where it is refused, [`Tmpfs::mount`] says why, so the caller can skip
//! visibly.

use std::{
    ffi::CString,
    os::unix::ffi::OsStrExt as _,
    path::{Path, PathBuf},
};

/// A mounted tmpfs, unmounted on drop.
pub struct Tmpfs {
    path: PathBuf,
}

impl Tmpfs {
    /// Mounts a tmpfs of `megabytes` MiB at `path` (created if missing), or says why it cannot.
    pub fn mount(path: &Path, megabytes: u64) -> Result<Self, String> {
        // SAFETY: geteuid has no preconditions.
        if unsafe { libc::geteuid() } != 0 {
            return Err("mounting a tmpfs needs root, and this process is not root".to_owned());
        }
        std::fs::create_dir_all(path)
            .map_err(|e| format!("cannot create {}: {e}", path.display()))?;
        let target = CString::new(path.as_os_str().as_bytes()).map_err(|e| e.to_string())?;
        let options = CString::new(format!("size={megabytes}m")).map_err(|e| e.to_string())?;
        // SAFETY: every pointer is a valid NUL-terminated string that outlives the call.
        let rc = unsafe {
            libc::mount(
                c"tmpfs".as_ptr(),
                target.as_ptr(),
                c"tmpfs".as_ptr(),
                0,
                options.as_ptr().cast(),
            )
        };
        if rc != 0 {
            return Err(format!(
                "mounting a tmpfs failed: {} (a container without CAP_SYS_ADMIN refuses it)",
                std::io::Error::last_os_error()
            ));
        }
        Ok(Self {
            path: path.to_owned(),
        })
    }

    /// Where it is mounted.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Bytes an unprivileged writer can still use.
    pub fn free_bytes(&self) -> std::io::Result<u64> {
        let path = CString::new(self.path.as_os_str().as_bytes())?;
        // SAFETY: statvfs writes into the zeroed struct we pass; the path is NUL-terminated.
        let stat = unsafe {
            let mut stat: libc::statvfs = std::mem::zeroed();
            if libc::statvfs(path.as_ptr(), &mut stat) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            stat
        };
        Ok(stat.f_bavail as u64 * stat.f_frsize as u64)
    }

    /// Writes a file that takes all but `leave` bytes of the free space.
    pub fn fill(&self, name: &str, leave: u64) -> std::io::Result<PathBuf> {
        let filler = self.path.join(name);
        let size = self.free_bytes()?.saturating_sub(leave);
        std::fs::write(&filler, vec![0u8; size as usize])?;
        Ok(filler)
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        if let Ok(target) = CString::new(self.path.as_os_str().as_bytes()) {
            // SAFETY: a valid NUL-terminated path; MNT_DETACH unmounts even if a file is open.
            unsafe {
                libc::umount2(target.as_ptr(), libc::MNT_DETACH);
            }
        }
    }
}
