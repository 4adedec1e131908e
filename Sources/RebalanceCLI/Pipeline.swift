import ArgumentParser
import Rebalancing

/// A command that reads one scenario: load → household → plans → render, written once here.
///
/// A command says which analysis it runs (``analyse(_:planner:)``, one of ``PreparedScenario``'s)
/// and how its result becomes text; loading, errors, output and the exit code are the same for all.
protocol ScenarioCommand: ParsableCommand {
    associatedtype Analysis
    var scenario: ScenarioOptions { get }
    var solver: SolverOptionGroup { get }
    /// The plans.
    func analyse(_ prepared: PreparedScenario, planner: Planner) -> Analysis
    /// What is printed on stdout.
    func render(_ analysis: Analysis, _ prepared: PreparedScenario) -> Rendered
    /// Why the command fails after printing (a plan that is not optimal), if it does.
    func failure(_ analysis: Analysis) -> CLIError?
    /// Files written beside stdout (`compare --trades`), each whole or not at all, before
    /// anything is printed.
    func files(_ analysis: Analysis) -> [(path: String, text: String)]
}

extension ScenarioCommand {
    func failure(_ analysis: Analysis) -> CLIError? { nil }
    func files(_ analysis: Analysis) -> [(path: String, text: String)] { [] }

    func run() throws {
        try reportingErrors {
            let prepared = try scenario.load()
            let analysis = analyse(prepared, planner: solver.planner)
            for file in files(analysis) {
                let output = try AtomicOutput(file.path)
                do {
                    try output.write(file.text)
                    try output.commit()
                } catch {
                    output.abort()
                    throw error
                }
            }
            switch render(analysis, prepared) {
            case .text(let text): try Console.text(text)
            case .output(let output): try Console.output(output)
            }
            if let failure = failure(analysis) { throw failure }
        }
    }
}

/// A command's output: text for a person (tables, Markdown: control characters shown), or a
/// machine format written as is (JSON, CSV, HTML).
enum Rendered {
    case text(String)
    case output(String)
}

extension CLIError {
    /// A plan that is not optimal: printed, then exit 1.
    static func unlessOptimal(_ report: PlanReport) -> CLIError? {
        report.status.isOptimal ? nil : .notOptimal(strategy: report.strategy.name, reason: report.status.description)
    }
}
