import ArgumentParser
import Rebalancing

/// The scenario file argument, shared by every command that reads one.
struct ScenarioOptions: ParsableArguments {
    @Argument(help: "A scenario file (.yaml, .yml or .json).")
    var file: String

    /// Loads and validates the file, or prints every problem to stderr and fails.
    func load() throws -> PreparedScenario {
        do {
            return PreparedScenario(try ScenarioLoader.loadHousehold(path: file), source: file)
        } catch {
            throw CLIError.scenario(error)
        }
    }
}

/// Solver settings shared by every command that solves.
struct SolverOptionGroup: ParsableArguments {
    @Option(name: .customLong("time-limit"), help: "Seconds allowed for each solve.")
    var timeLimit: Double?

    @Flag(help: "Check every plan independently of the optimizer (always on in debug builds).")
    var verify = false

    func validate() throws {
        if let timeLimit, !(timeLimit > 0 && timeLimit.isFinite) {
            throw ValidationError("--time-limit must be a positive number of seconds")
        }
    }

    var planner: Planner {
        Planner(solver: defaultSolver(timeLimit: timeLimit), verify: verify || Planner.verifiesByDefault)
    }
}

// MARK: Typed option values
//
// Every value on the command line is parsed by ArgumentParser, so a bad one is a usage error:
// the message names the option and the exit code is 64, whatever the option.

/// The output formats; each command offers a subset, as its own `ExpressibleByArgument` type
/// (so `--help` lists only those and any other value is refused).
enum OutputFormat: String {
    case table, json, csv, markdown, html, orders, lots
}

/// A format type of one command: a subset of ``OutputFormat``.
protocol FormatOption: RawRepresentable<String>, ExpressibleByArgument, CaseIterable {}

extension FormatOption {
    var format: OutputFormat { OutputFormat(rawValue: rawValue)! }
}

/// A strategy on the command line: `full`, `tax-budget:500`, … A value that does not parse is
/// refused with the grammar's own message.
extension Strategy {
    static func argument(_ text: String) throws -> Strategy {
        try Strategy(parsing: text)
    }

    /// A comma-separated list (`--strategies`); blank entries are dropped, at least one is needed.
    static func listArgument(_ list: String) throws -> [Strategy] {
        // Strategy(parsing:) trims spaces itself.
        let names = list.split(separator: ",").map(String.init).filter { !$0.allSatisfy { $0 == " " } }
        guard !names.isEmpty else { throw ValidationError("at least one strategy is needed") }
        return try names.map(Strategy.init(parsing:))
    }
}
