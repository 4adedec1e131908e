#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
import Foundation
import Rebalancing

/// Where a batch writes its lines: standard output, or `--out FILE` written line by line so that
/// a stopped run leaves complete lines that `--resume` continues.
///
/// Beside a regular output file lies its run record, `FILE.resume`: a first line naming what
/// makes the run's results (strategies, shard, time limit), then one line per output line with
/// a fingerprint of the scenario it came from (its input's name, line and bytes) and of the
/// output line itself. The output file holds only the result lines, so `cat` of the shards'
/// files is the run's lines. `--resume` continues only the same run: it refuses, appending
/// nothing, when the record is missing (an unrelated file), the strategies, shard or time limit
/// differ, a complete line was changed, or the inputs no longer give the same scenarios.
final class BatchOutput {
    struct Refusal: Error, CustomStringConvertible {
        let description: String
    }

    /// What makes a run's results; a resume must match it.
    struct Identity: Equatable {
        var strategies: String?
        var shard: String
        var timeLimit: String?

        var json: String {
            JSONValue.object([
                ("rebalance-batch-run", .number("1")),
                ("strategies", strategies.map(JSONValue.string) ?? .null),
                ("shard", .string(shard)),
                ("timeLimit", timeLimit.map(JSONValue.number) ?? .null),
            ]).serialized()
        }

        init(strategies: String?, shard: String, timeLimit: String?) {
            self.strategies = strategies
            self.shard = shard
            self.timeLimit = timeLimit
        }

        init?(json line: ArraySlice<UInt8>) {
            guard let object = try? JSONSerialization.jsonObject(with: Data(line)) as? [String: Any],
                (object["rebalance-batch-run"] as? NSNumber)?.intValue == 1, let shard = object["shard"] as? String
            else { return nil }
            self.strategies = object["strategies"] as? String
            self.shard = shard
            self.timeLimit = (object["timeLimit"] as? NSNumber).map { "\($0)" }
        }
    }

    let name: String
    private let fd: Int32
    private var record: Int32 = -1
    private let recordPath: String?
    /// Fingerprints of the scenarios behind the lines already there (on resume).
    private var done: [UInt64] = []
    /// Byte offsets to cut the output and the record back to before the first new line.
    private var pendingCut: (output: off_t, record: off_t)?

    /// How many lines a resume keeps.
    var alreadyDone: Int { done.count }

    /// `path` nil writes to standard output.
    init(path: String?, resume: Bool, identity: Identity) throws {
        guard let path else {
            name = "standard output"
            fd = STDOUT_FILENO
            recordPath = nil
            return
        }
        name = path
        let target = try OutputPath(path)
        if case .special(let what) = target.kind {
            if resume { throw Refusal(description: "\(path): cannot resume: it is \(what), not a regular file") }
            fd = try target.openInPlace(truncate: false)
            recordPath = nil
            return
        }
        let recordPath = target.target + ".resume"
        self.recordPath = recordPath
        if resume, target.kind == .regular {
            fd = try target.openInPlace(truncate: false, alsoRead: true)
            do {
                try check(recordPath: recordPath, identity: identity)
            } catch {
                close(fd)
                throw error
            }
            return
        }
        fd = try target.openInPlace(truncate: true)
        record = open(recordPath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o666)
        if record < 0 {
            Console.error(
                "\(recordPath): cannot write the run record (\(RegularFile.describe(errno: errno))); \(path) will not be resumable")
        } else {
            try writeAll(record, identity.json + "\n", target: recordPath)
        }
    }

    /// Reads the output and its record, refusing a resume that cannot continue the same run.
    private func check(recordPath: String, identity: Identity) throws {
        func refuse(_ why: String) -> Refusal {
            Refusal(description: "\(name): cannot resume: \(why); nothing was appended")
        }
        // The output's complete lines, each fingerprinted; a torn last line is cut off.
        var outputHashes: [UInt64] = []
        var keep: off_t = 0
        let lines = LineReader(fd: fd, limit: Int.max)
        while let line = try lines.nextLine(), !lines.endedWithoutNewline {
            outputHashes.append(Fingerprint.of(line))
            keep += off_t(line.count) + 1
        }
        let size = lseek(fd, 0, SEEK_END)
        let record = open(recordPath, O_RDWR | O_CLOEXEC)
        guard record >= 0 else {
            if errno == ENOENT, size == 0 {
                // An empty file with no record: nothing to lose, start the run afresh.
                self.record = open(recordPath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o666)
                guard self.record >= 0 else { throw OutputFailure(target: recordPath, errno: errno) }
                try writeAll(self.record, identity.json + "\n", target: recordPath)
                return
            }
            throw refuse(
                errno == ENOENT
                    ? "it has no run record (\(recordPath)): it was not written by `rebalance batch --out`, or the record was removed"
                    : "its run record \(recordPath) cannot be read: \(RegularFile.describe(errno: errno))")
        }
        self.record = record
        let entries = LineReader(fd: record, limit: 1 << 20)
        guard let header = try entries.nextLine(), let recorded = Identity(json: header) else {
            throw refuse("its run record \(recordPath) is not one (no run header)")
        }
        var recordKeep = off_t(header.count) + 1
        if recorded.strategies != identity.strategies {
            throw refuse(
                "it was written with \(recorded.strategies.map { "--strategies \($0)" } ?? "each scenario's own strategies"); "
                    + "this run asks for \(identity.strategies.map { "--strategies \($0)" } ?? "each scenario's own strategies")")
        }
        if recorded.shard != identity.shard {
            throw refuse("it was written for shard \(recorded.shard); this run is shard \(identity.shard)")
        }
        if recorded.timeLimit != identity.timeLimit {
            throw refuse(
                "it was written with \(recorded.timeLimit.map { "--time-limit \($0)" } ?? "no time limit"); "
                    + "this run has \(identity.timeLimit.map { "--time-limit \($0)" } ?? "none")")
        }
        for (i, outputHash) in outputHashes.enumerated() {
            guard let entry = try entries.nextLine(), entry.count == 33, let scenario = UInt64(hex: entry.prefix(16)),
                let line = UInt64(hex: entry.suffix(16))
            else {
                throw refuse("it holds \(outputHashes.count) lines but its run record accounts for only \(i) (was it edited?)")
            }
            guard line == outputHash else {
                throw refuse("line \(i + 1) is not the line this run wrote there (it was changed or corrupted)")
            }
            done.append(scenario)
            recordKeep += 34
        }
        pendingCut = (keep, recordKeep)
    }

    /// Checks that the `n`-th scenario of this run (0-based) is the one the kept line came from.
    func expect(_ n: Int, _ item: BatchItem) throws {
        guard Fingerprint.of(item) == done[n] else {
            throw Refusal(
                description:
                    "\(name): cannot resume: line \(n + 1) came from another scenario than \(item.source), which this run gives there "
                    + "(an input changed, or the inputs, their order or the shard differ); nothing was appended")
        }
    }

    /// The inputs ended after `count` scenarios: fewer than the lines already there is refused.
    func inputsEnded(after count: Int) throws {
        if count < done.count {
            throw Refusal(
                description:
                    "\(name): cannot resume: it already holds \(done.count) lines but the inputs give only \(count) scenarios "
                    + "for this run (fewer inputs than before?); nothing was appended")
        }
    }

    /// Appends lines, each with the fingerprint of its scenario (the record first, so that it
    /// always accounts for every complete output line).
    func write(_ lines: [(scenario: UInt64, line: String)]) throws {
        try cutTornTail()
        if record >= 0 {
            var entries = ""
            for (scenario, line) in lines {
                entries += scenario.hex16 + " " + Fingerprint.of(line).hex16 + "\n"
            }
            try writeAll(record, entries, target: recordPath ?? name)
        }
        var text = ""
        text.reserveCapacity(lines.reduce(0) { $0 + $1.line.utf8.count + 1 })
        for (_, line) in lines {
            text += line
            text += "\n"
        }
        try writeAll(fd, text, target: name)
    }

    /// Ends the run: the torn tail of a resumed file goes even when nothing is left to do.
    func finish() throws {
        try cutTornTail()
        if fd != STDOUT_FILENO { close(fd) }
        if record >= 0 { close(record) }
    }

    private func cutTornTail() throws {
        guard let cut = pendingCut else { return }
        pendingCut = nil
        guard ftruncate(fd, cut.output) == 0, ftruncate(record, cut.record) == 0 else {
            throw OutputFailure(target: name, errno: errno)
        }
        lseek(fd, 0, SEEK_END)
        lseek(record, 0, SEEK_END)
    }
}

/// FNV-1a, 64 bits: enough to tell a changed input or line from the one recorded.
enum Fingerprint {
    static func of(_ bytes: UnsafeRawBufferPointer, seed: UInt64 = 0xcbf2_9ce4_8422_2325) -> UInt64 {
        var h = seed
        for b in bytes {
            h ^= UInt64(b)
            h &*= 0x0000_0100_0000_01b3
        }
        return h
    }

    static func of(_ bytes: ArraySlice<UInt8>, seed: UInt64 = 0xcbf2_9ce4_8422_2325) -> UInt64 {
        bytes.withUnsafeBytes { of($0, seed: seed) }
    }

    /// The fingerprint of `text`'s UTF-8 bytes (read in place, not copied).
    static func of(_ text: String, seed: UInt64 = 0xcbf2_9ce4_8422_2325) -> UInt64 {
        var text = text
        return text.withUTF8 { of(UnsafeRawBufferPointer($0), seed: seed) }
    }

    static func of(_ item: BatchItem) -> UInt64 {
        var h = of(item.file)
        h = of("\u{0}\(item.line ?? 0)\u{0}", seed: h)
        switch item.content {
        case .success(let data): return data.withUnsafeBytes { of($0, seed: h) }
        case .failure(let error): return of(error.lines.joined(separator: "\n"), seed: h)
        }
    }
}

extension UInt64 {
    var hex16: String {
        let digits = String(self, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }

    init?(hex: ArraySlice<UInt8>) {
        guard let value = UInt64(String(decoding: hex, as: UTF8.self), radix: 16) else { return nil }
        self = value
    }
}
