#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
import Foundation

/// Reads a descriptor line by line in large blocks, as bytes. A line longer than `limit` is
/// refused as soon as that many bytes have arrived without a newline: memory stays bounded
/// whatever the input (`/dev/zero`), and each byte is scanned for a newline once. `rebalance
/// batch` reads JSON Lines with it, and so does the batch benchmark, the same way.
public final class LineReader {
    public struct TooLong: Error {
        public let line: Int
        public let limit: Int
    }

    private let fd: Int32
    private let limit: Int
    private var buffer: [UInt8] = []
    /// Where the current line starts, and how far it has been searched for a newline.
    private var start = 0
    private var scanned = 0
    private var atEnd = false
    /// Whether the last line returned was the input's end with no newline after it.
    public private(set) var endedWithoutNewline = false
    /// 1-based number of the last line returned.
    public private(set) var lineNumber = 0

    public init(fd: Int32, limit: Int) {
        self.fd = fd
        self.limit = limit
    }

    /// The first newline at or after `scanned`, by `memchr` (a generic `firstIndex(of:)` took
    /// some 5 instructions a byte, a batch's input read at 30k instructions a household).
    private func nextNewline() -> Int? {
        buffer.withUnsafeBufferPointer { b -> Int? in
            guard scanned < b.count, let base = b.baseAddress,
                let found = memchr(base + scanned, Int32(UInt8(ascii: "\n")), b.count - scanned)
            else { return nil }
            return UnsafeRawPointer(found) - UnsafeRawPointer(base)
        }
    }

    /// The next line without its newline (a final line without one counts), or nil at the end.
    public func nextLine() throws -> ArraySlice<UInt8>? {
        while true {
            if let newline = nextNewline() {
                let line = buffer[start..<newline]
                start = newline + 1
                scanned = start
                lineNumber += 1
                guard line.count <= limit else { throw TooLong(line: lineNumber, limit: limit) }
                return line
            }
            scanned = buffer.count
            guard buffer.count - start <= limit else { throw TooLong(line: lineNumber + 1, limit: limit) }
            if atEnd {
                guard start < buffer.count else { return nil }
                let line = buffer[start...]
                endedWithoutNewline = true
                start = buffer.count
                scanned = start
                lineNumber += 1
                return line
            }
            // Keep the unread tail, then read another block.
            if start > 0 {
                buffer.removeSubrange(0..<start)
                scanned -= start
                start = 0
            }
            let old = buffer.count
            buffer.append(contentsOf: repeatElement(0, count: 1 << 20))
            var n: Int
            repeat {
                n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress! + old, 1 << 20) }
            } while n < 0 && errno == EINTR
            guard n >= 0 else {
                buffer.removeSubrange(old...)
                throw RegularFile.Failure(path: "", reason: RegularFile.describe(errno: errno), tooLarge: false)
            }
            buffer.removeSubrange((old + n)...)
            if n == 0 { atEnd = true }
        }
    }
}
