import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

@testable import RebalanceCLI
import RebalanceTestSupport

/// Runs the binary with stdout sent to `stdout` (a file handle) and stderr captured.
func runWithStdout(_ arguments: [String], stdout: FileHandle) throws -> (status: Int32, stderr: String) {
    let process = Process()
    process.executableURL = Run.executable
    process.arguments = arguments
    process.currentDirectoryURL = packageRoot
    let errPath = FileManager.default.temporaryDirectory.appendingPathComponent("rebalance-stderr-\(UUID().uuidString)")
    _ = FileManager.default.createFile(atPath: errPath.path, contents: nil)
    let err = try FileHandle(forWritingTo: errPath)
    process.standardOutput = stdout
    process.standardError = err
    process.standardInput = FileHandle.nullDevice
    try process.run()
    process.waitUntilExit()
    try err.close()
    let text = String(decoding: try Data(contentsOf: errPath), as: UTF8.self)
    try? FileManager.default.removeItem(at: errPath)
    return (process.terminationStatus, text)
}

func temporaryDirectory() throws -> String {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("rebalance-io-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    return directory
}

func fileInfo(_ path: String) -> stat {
    var info = stat()
    _ = lstat(path, &info)
    return info
}

/// Reads a FIFO to its end on another thread (a writer blocks until a reader opens it).
final class FIFOReader: @unchecked Sendable {
    private var data = Data()
    private let done = DispatchSemaphore(value: 0)
    init(_ path: String) {
        Thread {
            if let handle = FileHandle(forReadingAtPath: path) {
                self.data = handle.readDataToEndOfFile()
                try? handle.close()
            }
            self.done.signal()
        }.start()
    }
    func wait() -> Data {
        done.wait()
        return data
    }
}

/// Waits for a process, killing it after 30 s so that a test cannot hang.
func waitOrKill(_ process: Process) throws {
    for _ in 0..<3000 where process.isRunning { usleep(10_000) }
    if process.isRunning {
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        Issue.record("the process did not end")
    }
}

@Suite("--out and standard output never destroy or crash")
struct SafeOutputTests {
    static let generate = ["generate", "--households", "3", "--seed", "5", "--lots", "4"]

    /// What `generate` writes to stdout: the reference bytes for `--out`.
    static func expected() throws -> String {
        let run = try Run(generate)
        #expect(run.status == 0)
        return run.stdout
    }

    @Test func generateFollowsASymlinkAndWritesItsTarget() throws {
        let dir = try temporaryDirectory()
        let target = dir + "/real.jsonl"
        try "old".write(toFile: target, atomically: false, encoding: .utf8)
        let link = dir + "/link.jsonl"
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: "real.jsonl")
        let run = try Run(Self.generate + ["--out", link])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(fileInfo(link).st_mode & S_IFMT == S_IFLNK, "the link is still a link")
        #expect(try String(contentsOfFile: target, encoding: .utf8) == (try Self.expected()))
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir).sorted() == ["link.jsonl", "real.jsonl"])
    }

    @Test func generateKeepsModeAndHardLinksOfARegularFile() throws {
        let dir = try temporaryDirectory()
        let path = dir + "/book.jsonl"
        try "old".write(toFile: path, atomically: false, encoding: .utf8)
        chmod(path, 0o600)
        let other = dir + "/other-name.jsonl"
        #expect(link(path, other) == 0)
        let before = fileInfo(path)
        let run = try Run(Self.generate + ["--out", path])
        #expect(run.status == 0, "\(run.stderr)")
        let after = fileInfo(path)
        #expect(after.st_ino == before.st_ino)
        #expect(after.st_mode & 0o777 == 0o600)
        #expect(after.st_nlink == 2)
        let expected = try Self.expected()
        #expect(try String(contentsOfFile: other, encoding: .utf8) == expected, "the other link sees the new bytes")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir).sorted() == ["book.jsonl", "other-name.jsonl"])
    }

    @Test func generateKeepsTheModeOfASingleLinkFile() throws {
        let dir = try temporaryDirectory()
        let path = dir + "/book.jsonl"
        try "old".write(toFile: path, atomically: false, encoding: .utf8)
        chmod(path, 0o640)
        let run = try Run(Self.generate + ["--out", path])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(fileInfo(path).st_mode & 0o777 == 0o640)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == (try Self.expected()))
    }

    @Test(.timeLimit(.minutes(5)))  // catches a hang; one minute was too tight for a loaded two-core machine
    func aFIFOIsWrittenInPlaceNotReplaced() throws {
        for command in [Self.generate, ["batch", "-", "--strategies", "full"]] {
            let dir = try temporaryDirectory()
            let fifo = dir + "/pipe"
            #expect(mkfifo(fifo, 0o600) == 0)
            let reader = FIFOReader(fifo)
            let input = command[0] == "batch" ? try Self.expected() : nil
            let run = try Run(command + ["--out", fifo], stdin: input)
            #expect(run.status == 0, "\(run.stderr)")
            let got = String(decoding: reader.wait(), as: UTF8.self)
            #expect(fileInfo(fifo).st_mode & S_IFMT == S_IFIFO, "still a FIFO")
            if command[0] == "generate" {
                #expect(got == (try Self.expected()))
            } else {
                #expect(got.split(separator: "\n").count == 3)
            }
            #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["pipe"], "no record beside a FIFO")
        }
    }

    @Test func batchWritesARegularFileInPlace() throws {
        let dir = try temporaryDirectory()
        let book = dir + "/book.jsonl"
        try (try Self.expected()).write(toFile: book, atomically: false, encoding: .utf8)
        let out = dir + "/out.jsonl"
        try "old".write(toFile: out, atomically: false, encoding: .utf8)
        chmod(out, 0o600)
        #expect(link(out, dir + "/alias.jsonl") == 0)
        let before = fileInfo(out)
        let run = try Run(["batch", book, "--strategies", "full", "--out", out])
        #expect(run.status == 0, "\(run.stderr)")
        let after = fileInfo(out)
        #expect(after.st_ino == before.st_ino && after.st_nlink == 2 && after.st_mode & 0o777 == 0o600)
        #expect(try String(contentsOfFile: dir + "/alias.jsonl", encoding: .utf8).split(separator: "\n").count == 3)
    }

    /// Stopped by SIGINT or SIGTERM, `generate --out` leaves the old file as it was and no
    /// temporary file.
    @Test(arguments: [SIGINT, SIGTERM])
    func anInterruptedGenerateLeavesNoStrayFile(signal: Int32) throws {
        let dir = try temporaryDirectory()
        let path = dir + "/book.jsonl"
        try "old\n".write(toFile: path, atomically: false, encoding: .utf8)
        let process = Process()
        process.executableURL = Run.executable
        process.arguments = ["generate", "--households", "2000000", "--lots", "40", "--out", path]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        // Let it start writing its temporary file.
        var sawTemporary = false
        for _ in 0..<200 {
            if try FileManager.default.contentsOfDirectory(atPath: dir).count > 1 {
                sawTemporary = true
                break
            }
            usleep(10_000)
        }
        usleep(100_000)
        kill(process.processIdentifier, signal)
        try waitOrKill(process)
        #expect(sawTemporary)
        #expect(process.terminationReason == .uncaughtSignal && process.terminationStatus == signal)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["book.jsonl"])
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "old\n")
    }

    static let everyCommand: [[String]] = [
        ["plan", "scenarios/three-fund.yaml"],
        ["plan", "scenarios/three-fund.yaml", "--format", "json"],
        ["compare", "scenarios/three-fund.yaml"],
        ["tax-cost", "scenarios/three-fund.yaml"],
        ["frontier", "scenarios/three-fund.yaml", "--points", "3"],
        ["validate", "scenarios/three-fund.yaml"],
        ["generate", "--households", "2"],
        ["batch", "scenarios/three-fund.yaml", "--strategies", "full"],
    ]

    /// A full device: every command says so on stderr and exits 74, without crashing.
    @Test(arguments: everyCommand)
    func aFullDeviceIsReportedNotACrash(arguments: [String]) throws {
        let full = try #require(FileHandle(forWritingAtPath: "/dev/full"))
        let run = try runWithStdout(arguments, stdout: full)
        #expect(run.status == 74, "\(run.stderr)")
        #expect(run.stderr.contains("no space left on the device"), "\(run.stderr)")
    }

    /// A pipe whose reader is gone: reported (SIGPIPE is ignored), exit 74.
    @Test(arguments: everyCommand)
    func aClosedPipeIsReportedNotACrash(arguments: [String]) throws {
        let pipe = Pipe()
        try pipe.fileHandleForReading.close()
        let run = try runWithStdout(arguments, stdout: pipe.fileHandleForWriting)
        #expect(run.status == 74, "\(run.stderr)")
        #expect(run.stderr.contains("the reader closed the pipe"), "\(run.stderr)")
    }
}
