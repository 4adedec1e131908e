import Testing

@testable import Rebalancing

/// The validator finds a household's few prices by name and hashes the lot ids once; what it
/// reports must not depend on how many prices there are or how often an id repeats.
@Suite struct ScenarioValidatorLookupTests {
    /// `extra` prices besides A and B; lots of A, of C (no price) and of B, three of them with
    /// the id "L".
    private static func scenario(extraPrices extra: Int) -> Scenario {
        var prices: [String: Double] = ["A": 10, "B": 20]
        for k in 0..<extra { prices["X\(k)"] = Double(k + 1) }
        let day = Day(year: 2026, month: 1, day: 2)!
        let lots = [
            Lot(id: "L", symbol: "A", shares: 1, costBasis: 5, acquired: day),
            Lot(symbol: "C", shares: 1, costBasis: 5, acquired: day),
            Lot(id: "L", symbol: "B", shares: 1, costBasis: 5, acquired: day),
            Lot(id: "M", symbol: "A", shares: 1, costBasis: 5, acquired: day),
            Lot(id: "L", symbol: "B", shares: 2, costBasis: 5, acquired: day),
        ]
        return Scenario(
            asOf: Day(year: 2026, month: 11, day: 20)!, prices: prices,
            pie: Pie(slices: [Slice(weight: 100, content: .symbol("A"))]),
            accounts: [Account(id: "x", type: .taxable, cash: 100, lots: lots)])
    }

    @Test(arguments: [0, 14, 15, 40])
    func missingPricesAndRepeatedIdsAreReportedAlike(extra: Int) {
        let issues = ScenarioValidator.issues(in: Self.scenario(extraPrices: extra))
        #expect(
            issues == [
                ScenarioIssue(path: "accounts[0].lots[1].symbol", message: "no price for \"C\" in prices"),
                ScenarioIssue(path: "accounts[0].lots[2].id", message: "duplicate lot id \"L\" (also accounts[0].lots[0])"),
                ScenarioIssue(path: "accounts[0].lots[4].id", message: "duplicate lot id \"L\" (also accounts[0].lots[0])"),
            ], "\(extra) more prices")
    }

    /// Lots of 3 and of 20 symbols in a scrambled order with repeats (names compared while
    /// fewer than 17 were met, hashed after): every lot keeps its own symbol and price, and the
    /// household's symbols are each symbol once, sorted.
    @Test(arguments: [3, 20])
    func everyLotKeepsItsSymbol(symbols count: Int) {
        let names = (0..<count).map { "S" + String(($0 * 7) % count) }
        var prices: [String: Double] = [:]
        for (k, name) in names.enumerated() { prices[name] = Double(k + 1) }
        let day = Day(year: 2026, month: 1, day: 2)!
        let lots = (0..<60).map { Lot(symbol: names[($0 * 11) % count], shares: 1, costBasis: 1, acquired: day) }
        let scenario = Scenario(
            asOf: Day(year: 2026, month: 11, day: 20)!, prices: prices,
            pie: Pie(slices: [Slice(weight: 100, content: .symbol(names[0]))]),
            accounts: [Account(id: "x", type: .taxable, cash: 100, lots: lots)])
        let checked = ScenarioValidator.check(scenario)
        #expect(checked.issues.isEmpty)
        guard let household = checked.household else { return }
        #expect(household.symbols == Set(names).sorted())
        #expect(household.lots.map { household.symbols[$0.symbol] } == lots.map(\.symbol))
        #expect(household.lots.map(\.price) == lots.map { prices[$0.symbol]! })
    }
}
