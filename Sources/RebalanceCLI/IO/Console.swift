#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
import Foundation

/// A write that did not happen: standard output or an output file that cannot take the bytes
/// (a full device, a closed pipe, a removed disk). Reported on stderr; exit code 74.
struct OutputFailure: Error, CustomStringConvertible {
    let target: String
    let reason: String
    var description: String { "\(target): cannot write: \(reason)" }

    init(target: String, errno code: Int32) {
        self.target = target
        switch code {
        case EPIPE: reason = "the reader closed the pipe"
        case ENOSPC: reason = "no space left on the device"
        case EDQUOT: reason = "the disk quota is exceeded"
        case EBADF: reason = "it is not open for writing"
        default: reason = String(cString: strerror(code)).lowercased()
        }
    }

    init(target: String, reason: String) {
        self.target = target
        self.reason = reason
    }
}

/// Writes every byte to a descriptor, retrying short and interrupted writes.
func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer, target: String) throws(OutputFailure) {
    var offset = 0
    while offset < bytes.count {
        let n = write(fd, bytes.baseAddress! + offset, bytes.count - offset)
        if n < 0 {
            if errno == EINTR { continue }
            throw OutputFailure(target: target, errno: errno)
        }
        offset += n
    }
}

func writeAll(_ fd: Int32, _ text: String, target: String) throws(OutputFailure) {
    var text = text
    var failure: OutputFailure?
    text.withUTF8 { buffer in
        do throws(OutputFailure) { try writeAll(fd, UnsafeRawBufferPointer(buffer), target: target) } catch { failure = error }
    }
    if let failure { throw failure }
}

enum Console {
    /// A line on stderr, control characters shown (a file's bytes are echoed in messages); if
    /// stderr itself cannot be written there is no one left to tell.
    static func error(_ text: String) {
        try? writeAll(STDERR_FILENO, visible(text) + "\n", target: "standard error")
    }

    /// Text for a person's terminal (tables, Markdown, messages): every control character but
    /// the newline shown as `\x1B`, so that an id holding ESC or BEL cannot drive the terminal.
    static func visible(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: isControl) else { return text }
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if isControl(scalar) {
                let hex = String(scalar.value, radix: 16, uppercase: true)
                out.append(contentsOf: ("\\x" + (hex.count < 2 ? "0" + hex : hex)).unicodeScalars)
            } else {
                out.append(scalar)
            }
        }
        return String(out)
    }

    private static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar != "\n" && (scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value))
    }

    /// Text for a terminal on stdout, control characters shown (see ``visible(_:)``).
    static func text(_ text: String) throws(OutputFailure) {
        try output(visible(text))
    }

    /// Text on stdout (a newline added if missing); throws when stdout cannot take it.
    static func output(_ text: String) throws(OutputFailure) {
        try writeAll(STDOUT_FILENO, text.hasSuffix("\n") ? text : text + "\n", target: "standard output")
    }
}
