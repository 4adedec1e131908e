#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
import Foundation

/// Reads input files the way the tool promises: only regular files (a FIFO or a device is
/// refused by name instead of hanging or reading forever), never more than a limit, and with
/// messages a person understands ("a symlink loop", not "error 256").
public enum RegularFile {
    public struct Failure: Error, Sendable, Equatable, CustomStringConvertible {
        public let path: String
        public let reason: String
        /// Whether the file was too large (as opposed to unreadable).
        public let tooLarge: Bool
        public var description: String { "\(path): \(reason)" }
        public init(path: String, reason: String, tooLarge: Bool) {
            self.path = path
            self.reason = reason
            self.tooLarge = tooLarge
        }
    }

    /// Why `path` cannot be read as a regular file, if it exists and cannot (nil when it is a
    /// regular file or does not exist: opening it says the rest).
    public static func problem(_ path: String) -> String? {
        var info = stat()
        guard stat(path, &info) == 0 else { return errno == ENOENT ? nil : describe(errno: errno) }
        return (info.st_mode & S_IFMT) == S_IFREG ? nil : notRegular(info.st_mode)
    }

    /// Opens `path` for reading if it is a regular file; the descriptor is the caller's to close.
    public static func open(_ path: String) throws(Failure) -> Int32 {
        // O_NONBLOCK: opening a FIFO must not wait for a writer; checked just below.
        let fd = path.withCString { Glibc_open($0, O_RDONLY | O_NONBLOCK | O_CLOEXEC) }
        guard fd >= 0 else { throw Failure(path: path, reason: describe(errno: errno), tooLarge: false) }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            let e = errno
            close(fd)
            throw Failure(path: path, reason: describe(errno: e), tooLarge: false)
        }
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            close(fd)
            throw Failure(path: path, reason: notRegular(info.st_mode), tooLarge: false)
        }
        // Back to blocking reads for a regular file.
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK)
        return fd
    }

    /// The whole content of a regular file of at most `limit` bytes.
    public static func read(_ path: String, limit: Int) throws(Failure) -> Data {
        let fd = try open(path)
        defer { close(fd) }
        var info = stat()
        if fstat(fd, &info) == 0, Int(info.st_size) > limit {
            throw Failure(path: path, reason: "\(info.st_size) bytes; the limit is \(limit)", tooLarge: true)
        }
        var data = Data()
        var block = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = block.withUnsafeMutableBytes { Glibc_read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw Failure(path: path, reason: describe(errno: errno), tooLarge: false)
            }
            if n == 0 { return data }
            // The file may grow while it is read: the limit holds whatever fstat said.
            guard data.count + n <= limit else {
                throw Failure(path: path, reason: "more than \(limit) bytes; the limit is \(limit)", tooLarge: true)
            }
            data.append(contentsOf: block[0..<n])
        }
    }

    /// What a file that is not regular is, for a message.
    public static func notRegular(_ mode: mode_t) -> String {
        let kind: String
        switch mode & S_IFMT {
        case S_IFDIR: return "is a directory, not a file"
        case S_IFIFO: kind = "a FIFO (named pipe)"
        case S_IFCHR: kind = "a character device"
        case S_IFBLK: kind = "a block device"
        case S_IFSOCK: kind = "a socket"
        default: kind = "not a regular file"
        }
        return "is \(kind), not a regular file"
    }

    /// A system error in words, with the usual causes named.
    public static func describe(errno code: Int32) -> String {
        switch code {
        case ENOENT: "no such file or directory"
        case ELOOP: "too many levels of symbolic links (a symlink loop?)"
        case EACCES, EPERM: "permission denied"
        case ENOTDIR: "a component of the path is not a directory"
        case EISDIR: "is a directory, not a file"
        case ENAMETOOLONG: "the path is too long"
        case ENXIO: "no device or reader at this path (a socket, or a FIFO with no reader?)"
        case EINTR: "interrupted"
        default: String(cString: strerror(code)).lowercased()
        }
    }
}

// The C functions under names that do not clash with this module's own `open`/`read`.
@inline(__always) func Glibc_open(_ path: UnsafePointer<CChar>, _ flags: Int32, _ mode: mode_t = 0) -> Int32 {
    #if canImport(Glibc)
        Glibc.open(path, flags, mode)
    #else
        Darwin.open(path, flags, mode)
    #endif
}

@inline(__always) func Glibc_read(_ fd: Int32, _ buffer: UnsafeMutableRawPointer?, _ count: Int) -> Int {
    #if canImport(Glibc)
        Glibc.read(fd, buffer, count)
    #else
        Darwin.read(fd, buffer, count)
    #endif
}
