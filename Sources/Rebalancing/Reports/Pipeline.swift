/// One scenario on its way through load → household → plans → render: what every command and
/// the batch start from once the scenario is read. The analyses below are the only place a
/// command's plans are made; reading the file and rendering the result belong to the caller.
public struct PreparedScenario: Sendable {
    public let scenario: Scenario
    public let household: Household
    /// The name every report shows: ``Scenario/displayName(source:)``.
    public let name: String

    /// `source` is where the scenario came from: a file path, or `file:line` for a JSON Lines item.
    public init(_ scenario: Scenario, source: String) {
        self.init(Household(scenario), source: source)
    }

    /// From the household the loader built while validating (``ScenarioLoader/parseHousehold(_:format:source:)``).
    public init(_ household: Household, source: String) {
        self.scenario = household.scenario
        self.household = household
        self.name = household.scenario.displayName(source: source)
    }

    /// One strategy's plan and its report.
    public func plan(_ strategy: Strategy, planner: Planner) -> PlanReport {
        PlanReport(planner.plan(household, strategy: strategy), household: household)
    }

    /// Several strategies side by side: `strategies`, else the scenario's own, else
    /// ``Strategy/defaultForCompare``; planned on up to `jobs` threads.
    public func compare(_ strategies: [Strategy]?, planner: Planner, jobs: Int = 1) -> Comparison {
        Comparison(
            household, name: name, strategies: strategies ?? scenario.strategies ?? Strategy.defaultForCompare,
            planner: planner, jobs: jobs)
    }

    /// The tax a strategy's sales would cost, lot by lot.
    public func taxCost(_ strategy: Strategy, planner: Planner) -> TaxPreview {
        TaxPreview(plan(strategy, planner: planner), household: household, name: name)
    }

    /// Tax-budget plans from $0 to the full rebalance's tax, planned on up to `jobs` threads.
    public func frontier(points: Int, planner: Planner, jobs: Int = 1) -> Frontier {
        Frontier(household, name: name, points: points, planner: planner, jobs: jobs)
    }
}

extension Scenario {
    /// The one naming rule for a scenario, everywhere: its `name`, else the base name of its
    /// source without the extension (`dir/book.yaml` → `book`), a JSON Lines item keeping its line
    /// (`dir/book.jsonl:3` → `book:3`).
    public func displayName(source: String) -> String {
        if let name { return name }
        var file = source
        var line = ""
        if let colon = source.lastIndex(of: ":"), !source[source.index(after: colon)...].isEmpty,
            source[source.index(after: colon)...].allSatisfy(\.isNumber)
        {
            file = String(source[..<colon])
            line = String(source[colon...])
        }
        let base = file.split(separator: "/").last.map(String.init) ?? file
        let parts = base.split(separator: ".", omittingEmptySubsequences: false)
        let stem = parts.count > 1 ? parts.dropLast().joined(separator: ".") : base
        return stem + line
    }
}
