import ArgumentParser
import LinearProgramming
import Rebalancing

/// The scenario file argument, shared by every command that reads one.
struct ScenarioOptions: ParsableArguments {
    @Argument(help: "A scenario file (.yaml, .yml or .json).")
    var file: String

    /// Loads and validates the file, or prints every problem to stderr and fails.
    func load() throws -> Scenario {
        do {
            return try ScenarioLoader.load(path: file)
        } catch {
            throw CLIError.scenario(error)
        }
    }
}

/// Solver settings shared by every command that solves.
struct SolverOptionGroup: ParsableArguments {
    @Option(name: .customLong("time-limit"), help: "Seconds allowed for each solve.")
    var timeLimit: Double?

    func validate() throws {
        if let timeLimit, !(timeLimit > 0 && timeLimit.isFinite) {
            throw ValidationError("--time-limit must be a positive number of seconds")
        }
    }

    var options: SolverOptions { SolverOptions(timeLimit: timeLimit) }
}

enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case table, json
}

func parseStrategy(_ text: String) throws -> Strategy {
    do {
        return try Strategy(parsing: text)
    } catch {
        throw CLIError.strategy(error)
    }
}
