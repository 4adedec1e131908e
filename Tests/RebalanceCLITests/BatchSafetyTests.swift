import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

@testable import RebalanceCLI
@testable import Rebalancing

/// `--resume` continues only the run that wrote the file; the summary names what failed;
/// only regular files are read.
@Suite("Batch resume, summary and inputs")
struct BatchSafetyTests {
    /// A book, and the output and run record of an uninterrupted run over it.
    struct Run0 {
        let dir: String
        let book: String
        let out: String
        let expected: String
    }

    static func finishedRun(_ n: Int = 6) throws -> Run0 {
        let dir = try temporaryDirectory()
        let book = dir + "/book.jsonl"
        let gen = try Run(["generate", "--households", String(n), "--seed", "9", "--lots", "6", "--out", book])
        #expect(gen.status == 0, "\(gen.stderr)")
        let out = dir + "/out.jsonl"
        let run = try Run(["batch", book, "--strategies", "full", "--out", out])
        #expect(run.status == 0, "\(run.stderr)")
        return Run0(dir: dir, book: book, out: out, expected: try String(contentsOfFile: out, encoding: .utf8))
    }

    /// Resumes and expects a refusal that says `why`, with the output file left as it was.
    func expectRefusal(_ arguments: [String], out: String, saying why: String) throws {
        let before = try Data(contentsOf: URL(fileURLWithPath: out))
        let run = try Run(arguments + ["--out", out, "--resume"])
        #expect(run.status == 2, "\(run.stderr)")
        #expect(run.stderr.contains("cannot resume"), "\(run.stderr)")
        #expect(run.stderr.contains(why), "\(run.stderr)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: out)) == before, "nothing appended")
    }

    @Test func aResumeWithOtherStrategiesIsRefused() throws {
        let r = try Self.finishedRun()
        // Half the lines, as a stopped run leaves them.
        let half = r.expected.split(separator: "\n").prefix(3).joined(separator: "\n") + "\n"
        try half.write(toFile: r.out, atomically: false, encoding: .utf8)
        try expectRefusal(["batch", r.book, "--strategies", "full,cash-only"], out: r.out, saying: "--strategies full;")
        try expectRefusal(["batch", r.book], out: r.out, saying: "each scenario's own strategies")
        try expectRefusal(["batch", r.book, "--strategies", "full", "--shard", "0/2"], out: r.out, saying: "shard")
        // The same run resumes and ends as the uninterrupted one.
        let resumed = try Run(["batch", r.book, "--strategies", "full", "--out", r.out, "--resume"])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(resumed.stderr.contains("3 already done"))
        #expect(try String(contentsOfFile: r.out, encoding: .utf8) == r.expected)
    }

    @Test func aChangedInputIsRefused() throws {
        let r = try Self.finishedRun()
        var lines = try String(contentsOfFile: r.book, encoding: .utf8).split(separator: "\n").map(String.init)
        // Same length, one digit different, in a scenario already done.
        lines[1] = lines[1].replacingOccurrences(of: "\"cash\":", with: "\"cash\":1")
        try (lines.joined(separator: "\n") + "\n").write(toFile: r.book, atomically: false, encoding: .utf8)
        try expectRefusal(["batch", r.book, "--strategies", "full"], out: r.out, saying: "an input changed")
    }

    @Test func fewerInputsThanLinesWrittenIsRefused() throws {
        let r = try Self.finishedRun()
        let lines = try String(contentsOfFile: r.book, encoding: .utf8).split(separator: "\n")
        try (lines.prefix(4).joined(separator: "\n") + "\n").write(toFile: r.book, atomically: false, encoding: .utf8)
        try expectRefusal(["batch", r.book, "--strategies", "full"], out: r.out, saying: "the inputs give only 4 scenarios")
    }

    @Test func anUnrelatedFileIsRefused() throws {
        let r = try Self.finishedRun()
        let notes = r.dir + "/notes.txt"
        try "my notes\n".write(toFile: notes, atomically: false, encoding: .utf8)
        try expectRefusal(["batch", r.book, "--strategies", "full"], out: notes, saying: "no run record")
    }

    @Test func aCorruptedCompleteLineIsRefused() throws {
        let r = try Self.finishedRun()
        // One byte changed inside line 2; the line is still complete (and still JSON).
        var bytes = Array(r.expected.utf8)
        let secondLine = bytes.firstIndex(of: UInt8(ascii: "\n"))! + 1
        let digit = bytes[secondLine...].firstIndex { (UInt8(ascii: "1")...UInt8(ascii: "8")).contains($0) }!
        bytes[digit] += 1
        try Data(bytes).write(to: URL(fileURLWithPath: r.out))
        try expectRefusal(["batch", r.book, "--strategies", "full"], out: r.out, saying: "line 2 is not the line this run wrote")
    }

    @Test func aTornLastLineIsCutAndTheRunFinished() throws {
        let r = try Self.finishedRun()
        let torn = String(r.expected.prefix(r.expected.utf8.count / 2))
        try torn.write(toFile: r.out, atomically: false, encoding: .utf8)
        let resumed = try Run(["batch", r.book, "--strategies", "full", "--out", r.out, "--resume"])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(try String(contentsOfFile: r.out, encoding: .utf8) == r.expected)
        // Resuming a finished run does nothing and changes nothing.
        let again = try Run(["batch", r.book, "--strategies", "full", "--out", r.out, "--resume"])
        #expect(again.status == 0, "\(again.stderr)")
        #expect(again.stderr.contains("0 scenarios") && again.stderr.contains("6 already done"), "\(again.stderr)")
        #expect(try String(contentsOfFile: r.out, encoding: .utf8) == r.expected)
    }

    /// The shards' files hold only result lines: `cat` of them is every household once.
    @Test func theShardsFilesConcatenateToTheRun() throws {
        let r = try Self.finishedRun()
        var union: [Substring] = []
        for k in 0..<2 {
            let out = r.dir + "/shard-\(k).jsonl"
            let run = try Run(["batch", r.book, "--strategies", "full", "--shard", "\(k)/2", "--out", out])
            #expect(run.status == 0, "\(run.stderr)")
            union += try String(contentsOfFile: out, encoding: .utf8).split(separator: "\n")
        }
        #expect(union.sorted() == r.expected.split(separator: "\n").sorted())
    }

    /// Failures are named (first 20 and a count) and set the exit code; a plan that ran out of
    /// time with nothing feasible is a failure, not a success.
    @Test func theSummaryNamesEachFailure() throws {
        let good = #"{"asOf": "2026-11-20", "prices": {"A": 100}, "pie": {"slices": [{"symbol": "A", "weight": 100}]}, "accounts": [{"id": "t", "type": "taxable", "cash": 100}]}"#
        let bad = #"{"asOf": "2026-11-20", "prices": {"A": -1}}"#
        let lines = (0..<25).map { $0 % 5 == 0 ? good : bad }
        let input = try temporaryFile("mixed.jsonl", lines.joined(separator: "\n") + "\n")
        let run = try Run(["batch", input, "--strategies", "full"])
        #expect(run.status == 1)
        #expect(run.stderr.contains("20 failed"), "\(run.stderr)")
        let named = run.stderr.split(separator: "\n").filter { $0.hasPrefix("  failed: ") }
        #expect(named.count == 20)
        #expect(named.first?.contains("mixed.jsonl:2: ") == true && named.first?.contains("prices.A: must be > 0") == true)
        #expect(run.stderr.contains("… and 0 more") == false)
        // An infeasible plan is a result, but not an optimal one: exit 1 and named too.
        let infeasible = try temporaryFile(
            "infeasible.jsonl",
            #"{"asOf": "2026-11-20", "prices": {"A": 100, "B": 100}, "pie": {"slices": [{"symbol": "A", "weight": 50}, {"symbol": "B", "weight": 50}]}, "accounts": [{"id": "t", "type": "taxable", "cash": 0, "flow": -100, "lots": [{"symbol": "A", "shares": 2, "costBasis": 10, "acquired": "2020-01-01"}]}]}"#
                + "\n")
        let budget = try Run(["batch", infeasible, "--strategies", "tax-budget:0"])
        #expect(budget.status == 1, "\(budget.stderr)")
        #expect(budget.stderr.contains("0 failed, 1 not optimal"), "\(budget.stderr)")
        #expect(budget.stderr.contains("not optimal: \(infeasible):1: tax-budget:0: no solution"), "\(budget.stderr)")
    }

    @Test func aTimeLimitWithNothingFeasibleIsAFailure() throws {
        let book = try temporaryFile("big.jsonl")
        // 400 symbols: about 1,200 equality rows, so GLPK's first phase alone takes far longer than a
        // millisecond on any machine (with 40 symbols a fast, idle machine sometimes finished it).
        let gen = try Run(["generate", "--households", "2", "--seed", "5", "--lots", "3000", "--symbols", "400", "--out", book])
        #expect(gen.status == 0)
        let run = try Run(["batch", book, "--strategies", "full", "--time-limit", "0.001"])
        var nothingFound = 0
        for line in run.stdout.split(separator: "\n") {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            let plans = object["plans"] as? [[String: Any]] ?? []
            if plans.contains(where: { $0["status"] as? String == "time-limit" && ($0["trades"] as? [Any])?.isEmpty != false }) {
                nothingFound += 1
            }
        }
        // With a millisecond for 3,000 lots of 400 symbols the solver finds nothing feasible (checked, not assumed).
        #expect(nothingFound > 0)
        #expect(run.status == 1)
        #expect(run.stderr.contains("\(nothingFound) failed"), "\(run.stderr)")
        #expect(run.stderr.contains("the time limit was reached before any feasible solution was found"), "\(run.stderr)")
    }

    @Test(.timeLimit(.minutes(5)))  // catches a hang; one minute was too tight for a loaded two-core machine
    func aFIFOAmongTheInputsIsRefusedByName() throws {
        let dir = try temporaryDirectory()
        try "{}".write(toFile: dir + "/a.json", atomically: false, encoding: .utf8)
        #expect(mkfifo(dir + "/b.jsonl", 0o600) == 0)
        for input in [dir, dir + "/b.jsonl"] {
            let run = try Run(["batch", input, "--strategies", "full"])
            #expect(run.status == 2)
            #expect(run.stderr.contains("\(dir)/b.jsonl: is a FIFO (named pipe), not a regular file"), "\(run.stderr)")
            #expect(run.stdout.isEmpty)
        }
    }

    @Test func invalidUTF8InALineIsRefusedAsInAFile() throws {
        let dir = try temporaryDirectory()
        var bytes = Array(#"{"name": "caf"#.utf8) + [0xE9] + Array(#"", "asOf": "2026-11-20"}"#.utf8)
        try Data(bytes + [0x0A]).write(to: URL(fileURLWithPath: dir + "/book.jsonl"))
        let run = try Run(["batch", dir + "/book.jsonl", "--strategies", "full"])
        #expect(run.status == 1)
        #expect(run.stdout.contains("not valid UTF-8"), "\(run.stdout)")
        bytes.append(0x0A)
        try Data(bytes).write(to: URL(fileURLWithPath: dir + "/one.json"))
        let file = try Run(["validate", dir + "/one.json"])
        #expect(file.stderr.contains("not valid UTF-8"))
    }

    /// A line is refused once it passes the limit, without holding more than the limit: the
    /// reader stops on /dev/zero (no newline, ever) instead of growing without end.
    @Test(.timeLimit(.minutes(5)))  // catches a hang; one minute was too tight for a loaded two-core machine
    func aLineOverTheLimitIsRefusedWhileReading() throws {
        let fd = open("/dev/zero", O_RDONLY)
        defer { close(fd) }
        let reader = LineReader(fd: fd, limit: 3 << 20)
        #expect(throws: LineReader.TooLong.self) { _ = try reader.nextLine() }
        // Lines within the limit, the last one without a newline.
        let path = try temporaryFile("lines.jsonl", "ab\n\ncde\nf")
        let file = open(path, O_RDONLY)
        defer { close(file) }
        let lines = LineReader(fd: file, limit: 3)
        var got: [String] = []
        while let line = try lines.nextLine() { got.append(String(decoding: line, as: UTF8.self)) }
        #expect(got == ["ab", "", "cde", "f"])
        let long = try temporaryFile("long.jsonl", "abcd\n")
        let longFile = open(long, O_RDONLY)
        defer { close(longFile) }
        #expect(throws: LineReader.TooLong.self) { _ = try LineReader(fd: longFile, limit: 3).nextLine() }
    }

    /// Lines of every length, empty ones too, across the reader's 1 MiB blocks (a line cut by a
    /// block's end, newlines at a block's first and last byte): the lines of the text split at
    /// its newlines, in order, the last one without a newline.
    @Test func linesAcrossBlocksAreTheTextSplitAtNewlines() throws {
        var rng = SplitMix64(seed: 0x4C49_4E45)
        var text: [UInt8] = []
        while text.count < (5 << 20) / 2 {
            let length = [0, 1, 7, 5_000, rng.int(in: 0...300_000)][rng.int(in: 0..<5)]
            text += (0..<length).map { _ in UInt8(rng.int(in: 0x20...0x7E)) }
            text.append(0x0A)
        }
        text += Array("tail".utf8)
        // Newlines at the first and the last byte of the second block.
        text[1 << 20] = 0x0A
        text[(2 << 20) - 1] = 0x0A
        let path = try temporaryFile("blocks.jsonl", String(decoding: text, as: UTF8.self))
        let fd = open(path, O_RDONLY)
        defer { close(fd) }
        let reader = LineReader(fd: fd, limit: 3 << 20)
        var got: [ArraySlice<UInt8>] = []
        while let line = try reader.nextLine() { got.append(line) }
        #expect(got == text.split(separator: 0x0A, omittingEmptySubsequences: false))
        #expect(reader.endedWithoutNewline && reader.lineNumber == got.count)
    }
}
