import Foundation

/// Timing lines on stderr when `REBALANCE_TRACE` is set: for finding where a slow plan spends
/// its time. Silent (and nearly free) otherwise.
enum Trace {
    static let enabled = ProcessInfo.processInfo.environment["REBALANCE_TRACE"] != nil

    static func now() -> UInt64 { enabled ? DispatchTime.now().uptimeNanoseconds : 0 }

    static func since(_ start: UInt64) -> String {
        Money.fixed(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9, places: 4)
    }

    static func log(_ message: () -> String) {
        guard enabled else { return }
        FileHandle.standardError.write(Data(("trace: " + message() + "\n").utf8))
    }
}
