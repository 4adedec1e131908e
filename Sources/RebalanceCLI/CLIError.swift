import ArgumentParser
import Foundation
import Rebalancing

/// Errors the commands report: each prints its lines on stderr and sets the exit code.
enum CLIError: Error, LocalizedError {
    case scenario(ScenarioError)
    /// The plan exists but is not optimal (infeasible, time limit, solver failure).
    case notOptimal(strategy: String, reason: String)
    /// An import refused: every problem, each naming its file (and line and column).
    case importFailed([ImportProblem])

    var errorDescription: String? {
        switch self {
        case .scenario(let error): error.lines.joined(separator: "\n")
        case .notOptimal(let strategy, let reason): "\(strategy): \(reason)"
        case .importFailed(let problems): problems.map { $0.file.isEmpty ? $0.message : $0.description }.joined(separator: "\n")
        }
    }

    /// 2 for invalid input, 1 for a plan that could not be made (a bad command line is 64, set
    /// by ArgumentParser before any command runs).
    var exitCode: ExitCode {
        switch self {
        case .scenario, .importFailed: ExitCode(2)
        case .notOptimal: ExitCode(1)
        }
    }
}

/// Runs a command body, turning ``CLIError``s into stderr lines and exit codes.
func reportingErrors(_ body: () throws -> Void) throws {
    do {
        try body()
    } catch let error as CLIError {
        Console.error(error.errorDescription ?? "\(error)")
        throw error.exitCode
    } catch let error as OutputFailure {
        Console.error(error.description)
        throw ExitCode.outputFailed
    }
}

extension ExitCode {
    /// The output could not be written (sysexits' EX_IOERR).
    static let outputFailed = ExitCode(74)
}
