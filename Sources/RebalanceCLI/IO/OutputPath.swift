#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
import Foundation
import Rebalancing

/// What an `--out PATH` names, after following symbolic links the way the kernel would.
///
/// The rule (as a shell's `>` redirection, plus care for regular files):
/// - a path that does not exist is created (mode 0666 less the umask);
/// - a symbolic link is followed, and its final target written (created if the link dangles);
/// - an existing file that is not regular (a device such as `/dev/null`, a FIFO) is opened and
///   written in place, never removed or replaced;
/// - an existing regular file is written in place too, so it keeps its inode: its mode, owner,
///   group and hard links (how and when depends on the command: see ``AtomicOutput`` and
///   ``BatchOutput``).
struct OutputPath {
    enum Kind: Equatable {
        case missing
        case regular
        /// Not a regular file: written in place, as a stream.
        case special(String)
    }

    /// The path as given, for messages.
    let given: String
    /// The final target after symbolic links.
    let target: String
    let kind: Kind
    /// The target's metadata when it exists.
    let info: stat?

    init(_ given: String) throws(OutputFailure) {
        self.given = given
        var path = given
        var hops = 0
        while true {
            var info = stat()
            if lstat(path, &info) != 0 {
                guard errno == ENOENT else { throw OutputFailure(target: given, reason: RegularFile.describe(errno: errno)) }
                target = path
                kind = .missing
                self.info = nil
                return
            }
            if (info.st_mode & S_IFMT) == S_IFLNK {
                hops += 1
                guard hops <= 40 else {
                    throw OutputFailure(target: given, reason: RegularFile.describe(errno: ELOOP))
                }
                var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
                let n = readlink(path, &buffer, buffer.count - 1)
                guard n >= 0 else { throw OutputFailure(target: given, reason: RegularFile.describe(errno: errno)) }
                let link = String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
                path = link.hasPrefix("/") ? link : ((path as NSString).deletingLastPathComponent as NSString).appendingPathComponent(link)
                continue
            }
            target = path
            self.info = info
            switch info.st_mode & S_IFMT {
            case S_IFREG: kind = .regular
            case S_IFDIR: throw OutputFailure(target: given, reason: "is a directory")
            case S_IFSOCK: throw OutputFailure(target: given, reason: "is a socket; write to a file, a FIFO or a device")
            case S_IFIFO: kind = .special("a FIFO")
            case S_IFCHR: kind = .special("a character device")
            case S_IFBLK: kind = .special("a block device")
            default: kind = .special("not a regular file")
            }
            return
        }
    }

    /// Opens the target for writing in place: created if missing, truncated if `truncate`.
    func openInPlace(truncate: Bool, alsoRead: Bool = false) throws(OutputFailure) -> Int32 {
        var flags = (alsoRead ? O_RDWR : O_WRONLY) | O_CLOEXEC
        if kind == .missing { flags |= O_CREAT | O_EXCL }
        if truncate, kind == .regular { flags |= O_TRUNC }
        let fd = open(target, flags, 0o666)
        guard fd >= 0 else { throw OutputFailure(target: given, reason: RegularFile.describe(errno: errno)) }
        return fd
    }
}

/// Temporary files to remove if the process is stopped by SIGINT, SIGTERM or SIGHUP: the
/// handler removes them and then dies of the same signal, so nothing stray is left behind
/// (SIGKILL cannot be caught; see the README).
enum TemporaryFiles {
    /// One path at a time is enough for the commands; kept as a C string for the handler.
    nonisolated(unsafe) private static var path: UnsafeMutablePointer<CChar>?

    static func register(_ file: String) {
        let copy = strdup(file)
        installHandlers()
        path = copy
    }

    static func unregister() {
        let old = path
        path = nil
        free(old)
    }

    nonisolated(unsafe) private static var installed = false

    private static func installHandlers() {
        guard !installed else { return }
        installed = true
        for sig in [SIGINT, SIGTERM, SIGHUP] {
            signal(sig) { sig in
                if let path = TemporaryFiles.path { unlink(path) }
                signal(sig, SIG_DFL)
                raise(sig)
            }
        }
    }
}

/// Runs `body` with SIGINT, SIGTERM and SIGHUP held back (delivered when it returns).
func withTerminationDeferred<T, E: Error>(_ body: () throws(E) -> T) throws(E) -> T {
    var block = sigset_t()
    var old = sigset_t()
    sigemptyset(&block)
    for sig in [SIGINT, SIGTERM, SIGHUP] { sigaddset(&block, sig) }
    pthread_sigmask(SIG_BLOCK, &block, &old)
    defer { pthread_sigmask(SIG_SETMASK, &old, nil) }
    return try body()
}
