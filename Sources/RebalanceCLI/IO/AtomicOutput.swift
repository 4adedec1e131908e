#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
import Foundation
import Rebalancing

/// An `--out` file that receives the whole output or nothing (`generate`).
///
/// - A FIFO or a device is written in place as the bytes come, like a shell redirection.
/// - Otherwise the bytes go to a temporary file beside the target (`.NAME.rebalance-XXXXXX`),
///   and only a complete output reaches the target:
///   - a new file, or a regular file with one link whose mode, owner and group the temporary
///     file can take: the temporary file is renamed over it, atomically;
///   - a regular file with other hard links (or an owner this user cannot give): its bytes are
///     replaced in place from the complete temporary file, so it keeps its inode, mode, owner
///     and links. SIGINT, SIGTERM and SIGHUP wait until that copy is done.
/// - A run that fails, or is stopped by SIGINT, SIGTERM or SIGHUP before it is complete,
///   removes the temporary file and leaves the target as it was.
final class AtomicOutput {
    let path: OutputPath
    private var fd: Int32
    private let temporary: String?

    init(_ given: String) throws(OutputFailure) {
        path = try OutputPath(given)
        if case .special = path.kind {
            fd = try path.openInPlace(truncate: false)
            temporary = nil
            return
        }
        let directory = (path.target as NSString).deletingLastPathComponent
        let base = (path.target as NSString).lastPathComponent
        let template = (directory.isEmpty ? "." : directory) + "/." + base + ".rebalance-XXXXXX"
        var buffer = Array(template.utf8CString)
        // Registered before the file exists, so that a signal in between cannot leave it.
        let (descriptor, name) = buffer.withUnsafeMutableBufferPointer { pointer -> (Int32, String) in
            let fd = withTerminationDeferred { () -> Int32 in
                let fd = mkstemp(pointer.baseAddress!)
                if fd >= 0 { TemporaryFiles.register(String(cString: pointer.baseAddress!)) }
                return fd
            }
            return (fd, String(cString: pointer.baseAddress!))
        }
        guard descriptor >= 0 else {
            throw OutputFailure(target: given, reason: "cannot create a temporary file beside it: \(RegularFile.describe(errno: errno))")
        }
        fd = descriptor
        temporary = name
    }

    func write(_ text: String) throws(OutputFailure) {
        try writeAll(fd, text, target: path.given)
    }

    /// Puts the complete output in place.
    func commit() throws(OutputFailure) {
        guard let temporary else {
            close(fd)
            return
        }
        defer {
            close(fd)
            unlink(temporary)
            TemporaryFiles.unregister()
        }
        let mask = umask(0)
        umask(mask)
        if let info = path.info {
            let canRename =
                info.st_nlink == 1 && fchown(fd, info.st_uid, info.st_gid) == 0 && fchmod(fd, info.st_mode & 0o7777) == 0
            if !canRename {
                try copyInPlace()
                return
            }
        } else {
            fchmod(fd, 0o666 & ~mask)
        }
        guard rename(temporary, path.target) == 0 else {
            throw OutputFailure(target: path.given, reason: RegularFile.describe(errno: errno))
        }
    }

    /// Copies the complete temporary file over the target's bytes, keeping the target's inode.
    private func copyInPlace() throws(OutputFailure) {
        try withTerminationDeferred { () throws(OutputFailure) in
            let target = try path.openInPlace(truncate: true)
            defer { close(target) }
            lseek(fd, 0, SEEK_SET)
            var block = [UInt8](repeating: 0, count: 1 << 16)
            while true {
                let n = block.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
                if n < 0 {
                    if errno == EINTR { continue }
                    throw OutputFailure(target: path.given, errno: errno)
                }
                if n == 0 { break }
                var failure: OutputFailure?
                block.withUnsafeBytes { bytes in
                    do throws(OutputFailure) { try writeAll(target, UnsafeRawBufferPointer(rebasing: bytes[0..<n]), target: path.given) } catch {
                        failure = error
                    }
                }
                if let failure { throw failure }
            }
        }
    }

    /// Leaves the target as it was.
    func abort() {
        close(fd)
        if let temporary {
            unlink(temporary)
            TemporaryFiles.unregister()
        }
    }
}
