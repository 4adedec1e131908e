import Foundation
import Rebalancing

/// A one-line progress bar on stderr, redrawn in place: percent, done/total, failures, rate and
/// ETA, fitted to the terminal's width.
final class ProgressBar {
    let total: Int?
    let started = Date()
    var lastDraw = Date.distantPast

    init(total: Int?) { self.total = total }

    func update(done: Int, failed: Int) {
        let now = Date()
        guard now.timeIntervalSince(lastDraw) > 0.1 else { return }
        lastDraw = now
        let elapsed = now.timeIntervalSince(started)
        let rate = elapsed > 0 ? Double(done) / elapsed : 0
        let line = Self.line(done: done, failed: failed, total: total, rate: rate, width: Self.terminalWidth())
        try? writeAll(STDERR_FILENO, "\r" + line + "\u{1B}[K", target: "standard error")
    }

    func finish() {
        try? writeAll(STDERR_FILENO, "\r\u{1B}[K", target: "standard error")
    }

    /// The bar's text, at most `width − 1` characters (a full last column makes some terminals
    /// wrap). The bar itself takes what the figures leave, between 10 and 40 cells, and goes
    /// when even 10 do not fit; then the figures are cut from the right.
    static func line(done: Int, failed: Int, total: Int?, rate: Double, width: Int) -> String {
        let room = max(width - 1, 1)
        var figures = ""
        var fraction: Double?
        if let total, total > 0 {
            let f = min(1, Double(done) / Double(total))
            fraction = f
            figures = "\(Int((f * 100).rounded(.down)))%  \(done)/\(total)"
        } else {
            figures = counted(done, "scenario")
        }
        figures += "  \(failed) failed  \(Money.fixed(rate, places: 0))/s"
        if let total, rate > 0, done < total { figures += "  ETA \(clock(Double(total - done) / rate))" }
        if let fraction {
            let cells = min(40, room - figures.count - 3)
            if cells >= 10 {
                let filled = Int(fraction * Double(cells))
                return "[" + String(repeating: "█", count: filled) + String(repeating: "░", count: cells - filled) + "] "
                    + figures
            }
        }
        return String(figures.prefix(room))
    }

    /// The width of the terminal on stderr: from the terminal itself, else $COLUMNS, else 80.
    static func terminalWidth() -> Int {
        var size = winsize()
        let status = withUnsafeMutablePointer(to: &size) { ioctl(STDERR_FILENO, UInt(TIOCGWINSZ), $0) }
        if status == 0, size.ws_col > 0 { return Int(size.ws_col) }
        if let columns = ProcessInfo.processInfo.environment["COLUMNS"].flatMap(Int.init), columns > 0 { return columns }
        return 80
    }

    static func clock(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        let pad = { (n: Int) in n < 10 ? "0\(n)" : "\(n)" }
        return s >= 3600 ? "\(s / 3600):\(pad(s / 60 % 60)):\(pad(s % 60))" : "\(s / 60):\(pad(s % 60))"
    }
}
