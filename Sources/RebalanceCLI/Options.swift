import ArgumentParser
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

enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case table, json, csv, markdown, html

    /// Refuses a format the command does not offer.
    static func check(_ format: OutputFormat, allowed: [OutputFormat]) throws {
        guard allowed.contains(format) else {
            throw ValidationError(
                "--format \(format.rawValue) is not offered here; use \(allowed.map(\.rawValue).joined(separator: ", "))")
        }
    }
}

/// The scenario's display name: its `name`, else the file's base name.
func displayName(_ scenario: Scenario, file: String) -> String {
    if let name = scenario.name { return name }
    let base = file.split(separator: "/").last.map(String.init) ?? file
    return base.split(separator: ".").dropLast().joined(separator: ".")
}

func parseStrategy(_ text: String) throws -> Strategy {
    do {
        return try Strategy(parsing: text)
    } catch {
        throw CLIError.strategy(error)
    }
}
