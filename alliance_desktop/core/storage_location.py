"""Is a data folder on this computer's own disk, a network share, or a cloud-sync folder?

Why (DESIGN.md section 4, RELIABILITY row 12): the clinic database is one
SQLite file written with file locks, ``fsync`` and a ``-wal`` file beside it.
Network file systems (SMB, NFS, SSHFS, WebDAV, ...) do not reliably honour
those locks and flushes, and sync clients (Dropbox, OneDrive, ...) upload
and replace files behind SQLite's back or create "conflicted copies" of a
half-written database. Either can corrupt the clinic's only copy, so such a
folder is refused with an explanation.

This module only *classifies*; it reads nothing. The caller hands it the
path, the mount table text (``/proc/self/mounts`` on Linux) and, on Windows,
whether the drive is remote, so every rule is testable on any OS.

False positives matter as much as misses: a therapist's local folder called
"drive" or "box" must not be refused. Hence:
- distinctive product folder names ("Dropbox", "OneDrive - Contoso",
  "iCloud Drive", "Nextcloud", ...) match as *whole path components*, never
  as substrings;
- generic names that products use as their default folder ("Box", "Sync",
  "MEGA") count only directly inside a user's home folder, where the client
  puts them (``C:\\Users\\anna\\Box``, ``/home/anna/Sync``);
- "Drive" alone is never a cloud name (Google's folders are "Google Drive"
  and "My Drive").
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import PurePath, PurePosixPath, PureWindowsPath


class LocationKind(enum.Enum):
    LOCAL = "local"
    NETWORK = "network"
    CLOUD = "cloud"


@dataclass(frozen=True, slots=True)
class Location:
    """The verdict: ``kind`` and, for a refused folder, what gave it away (``reason``)."""

    kind: LocationKind
    reason: str = ""

    @property
    def is_local(self) -> bool:
        return self.kind is LocationKind.LOCAL


LOCAL = Location(LocationKind.LOCAL)


@dataclass(frozen=True, slots=True)
class Mount:
    """One line of a mount table: where it is mounted and its file-system type."""

    point: str
    fstype: str
    source: str = ""


#: File-system types whose locking or flushing SQLite cannot rely on: network file systems, FUSE
#: bridges to remote or cloud storage, and host-to-guest shared folders of virtual machines.
NETWORK_FSTYPES = frozenset({
    "nfs", "nfs4", "cifs", "smb", "smb2", "smb3", "smbfs", "ncpfs", "afs", "coda", "9p", "v9fs",
    "davfs", "fuse.davfs", "davfs2", "sshfs", "fuse.sshfs", "fuse.rclone", "rclone", "ceph", "fuse.ceph",
    "fuse.ceph-fuse", "glusterfs", "fuse.glusterfs", "lustre", "gpfs", "beegfs", "ocfs2", "gfs2",
    "fuse.s3fs", "fuse.gcsfuse", "fuse.goofys", "fuse.onedriver", "fuse.google-drive-ocamlfuse",
    "fuse.gvfsd-fuse", "fuse.kio-fuse", "fuse.afpfs", "afpfs", "fuse.curlftpfs", "fuse.mega-fuse",
    "fuse.juicefs", "fuse.seaweedfs", "vboxsf", "vmhgfs", "fuse.vmhgfs-fuse", "prl_fs", "drvfs",
})

# Product folder names, matched case-insensitively against whole path components.
_CLOUD_COMPONENTS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern, re.IGNORECASE), product) for pattern, product in (
        (r"dropbox( \(.+\))?", "Dropbox"),
        (r"onedrive( ?- ?.+)?", "OneDrive"),
        (r"google ?drive( ?- ?.+)?|googledrive-.+", "Google Drive"),
        (r"icloud ?drive( \(.+\))?|com~apple~clouddocs", "iCloud Drive"),
        (r"nextcloud\d*( - .+)?", "Nextcloud"),
        (r"owncloud\d*( - .+)?", "ownCloud"),
        (r"box sync|box-box", "Box"),
        (r"pcloud ?drive|pcloudsync", "pCloud"),
        (r"sync\.com|sync ?\(sync\.com\)", "Sync.com"),
        (r"megasync( downloads)?|mega ?drive", "MEGA"),
        (r"seafile|seadrive", "Seafile"),
        (r"yandex\.?disk", "Yandex Disk"),
        (r"tresorit", "Tresorit"),
        (r"proton ?drive( ?- ?.+)?", "Proton Drive"),
        (r"creative cloud files( .+)?", "Adobe Creative Cloud"),
        (r"amazon ?drive", "Amazon Drive"),
        (r"icedrive", "Icedrive"),
        (r"insync", "Insync"),
        (r"spideroak hive", "SpiderOak"),
    )
)

# Default folder names too generic to match anywhere: only directly inside a home folder.
_HOME_FOLDER_PRODUCTS = {"box": "Box", "sync": "Sync.com or Syncthing", "mega": "MEGA", "pcloud": "pCloud",
                         "idrive": "IDrive", "hidrive": "HiDrive", "magentacloud": "MagentaCLOUD",
                         "tresors": "Tresorit"}
# Google Drive for desktop shows a drive (G:) or volume whose top folders are these.
_DRIVE_ROOT_FOLDERS = {"my drive": "Google Drive", "shared drives": "Google Drive"}


def parse_mounts(text: str) -> tuple[Mount, ...]:
    """Mounts from ``/proc/self/mounts`` text (octal escapes such as ``\\040`` for a space decoded)."""
    mounts = []
    for line in text.splitlines():
        fields = line.split()
        if len(fields) >= 3:
            mounts.append(Mount(_unescape(fields[1]), fields[2].lower(), _unescape(fields[0])))
    return tuple(mounts)


def _unescape(field: str) -> str:
    return re.sub(r"\\([0-7]{3})", lambda m: chr(int(m.group(1), 8)), field)


def _pure(path: str) -> PurePath:
    """A Windows path when it looks like one (drive letter, backslashes, UNC), else POSIX."""
    if re.match(r"^[A-Za-z]:([\\/]|$)", path) or "\\" in path:
        return PureWindowsPath(path)
    return PurePosixPath(path)


def _unc_share(path: str) -> str | None:
    """``server\\share`` for a UNC path (``\\\\server\\share``, ``//server/share``, ``\\\\?\\UNC\\...``)."""
    text = path.replace("/", "\\")
    lowered = text.lower()
    if lowered.startswith("\\\\?\\unc\\"):
        text = "\\\\" + text[8:]
    elif lowered.startswith(("\\\\?\\", "\\\\.\\")):
        return None  # an extended-length or device path to a local drive (\\?\C:\...)
    if not text.startswith("\\\\") or text.startswith("\\\\\\"):
        return None
    parts = [p for p in text[2:].split("\\") if p]
    if len(parts) < 2:
        return None
    return f"{parts[0]}\\{parts[1]}"


def _home_parent(parts: Sequence[str], index: int, home: Sequence[str] | None) -> bool:
    """True if ``parts[index]`` sits directly in a home folder (the given one or a conventional one)."""
    before = [p.casefold() for p in parts[:index]]
    if home is not None and before == [p.casefold() for p in home]:
        return True
    if len(before) == 3 and before[0] in ("/", "\\") and before[1] in ("home", "users"):
        return True  # /home/anna, /Users/anna
    if len(before) == 3 and re.fullmatch(r"[a-z]:\\", before[0]) and before[1] == "users":
        return True  # C:\Users\anna
    return len(before) == 2 and before[0] == "/" and before[1] == "root"


def _cloud_by_name(parts: Sequence[str], home: Sequence[str] | None) -> str | None:
    lowered = [p.casefold() for p in parts]
    for i in range(len(lowered) - 2):  # macOS: ~/Library/CloudStorage/<service>, ~/Library/Mobile Documents/...
        if lowered[i] == "library" and lowered[i + 1] in ("cloudstorage", "mobile documents"):
            return f"a cloud storage folder ({parts[i + 2] if lowered[i + 1] == 'cloudstorage' else 'iCloud'})"
    for i, part in enumerate(parts):
        for pattern, product in _CLOUD_COMPONENTS:
            if pattern.fullmatch(part):
                return f"a {product} folder"
        product = _HOME_FOLDER_PRODUCTS.get(part.casefold())
        if product is not None and _home_parent(parts, i, home):
            return f"the default {product} folder"
        product = _DRIVE_ROOT_FOLDERS.get(part.casefold())
        if product is not None and i == 1 and re.fullmatch(r"[a-z]:\\", lowered[0]):
            return f"a {product} folder"
    return None


def _desktop_remote(parts: Sequence[str]) -> bool:
    """A remote place mounted by GNOME (``/run/user/1000/gvfs/smb-share:server=...``) or KDE (``kio-fuse-*``)."""
    lowered = [p.casefold() for p in parts]
    for i, part in enumerate(lowered[:-1]):
        under_run = "run" in lowered[:i] or "user" in lowered[:i]
        if part == "gvfs" and ":" in lowered[i + 1]:
            return True
        if part.startswith("kio-fuse-") and under_run:
            return True
    return False


def _mount_of(path: str, mounts: Iterable[Mount]) -> Mount | None:
    best: Mount | None = None
    for mount in mounts:
        point = mount.point.rstrip("/") or "/"
        if path == point or path.startswith(point + "/") or point == "/":
            if best is None or len(point) > len(best.point.rstrip("/") or "/"):
                best = mount
    return best


def classify(path: str, *, mounts: Iterable[Mount] = (), drive_is_remote: bool | None = None,
             home: str | None = None) -> Location:
    """Where ``path`` lives. ``path`` should be absolute and, where possible, have symlinks resolved.

    ``mounts``: the mount table (POSIX); ``drive_is_remote``: True when Windows
    says the path's drive is a mapped network drive; ``home``: the user's home
    folder, so that default sync folder names are recognised there.
    """
    share = _unc_share(path)
    if share is not None:
        return Location(LocationKind.NETWORK, f"a network share (\\\\{share})")
    if drive_is_remote:
        return Location(LocationKind.NETWORK, "a mapped network drive")
    pure = _pure(path)
    home_parts = _pure(home).parts if home else None
    if _desktop_remote(pure.parts):
        return Location(LocationKind.NETWORK, "a remote place mounted by the desktop (gvfs / kio-fuse)")
    named = _cloud_by_name(pure.parts, home_parts)
    if named is not None:
        return Location(LocationKind.CLOUD, named)
    if isinstance(pure, PurePosixPath):
        mount = _mount_of(str(pure), mounts)
        if mount is not None and mount.fstype in NETWORK_FSTYPES:
            return Location(LocationKind.NETWORK, f"a network or shared file system ({mount.fstype} at {mount.point})")
    return LOCAL
