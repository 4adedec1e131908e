import Foundation
import Testing

@testable import Rebalancing

@Suite struct GeneratorTests {
    /// The default profile must not change: Tests/Fixtures/generate holds what the binary of the
    /// start of this work printed (`rebalance generate --households H --symbols S --lots L --seed X`,
    /// the arguments in each file's name), and the generator must print the same bytes today.
    @Test(arguments: [
        (file: "default-8-60-seed7.jsonl", households: 6, symbols: 8, lots: 60, seed: UInt64(7)),
        (file: "default-30-100-seed11.jsonl", households: 4, symbols: 30, lots: 100, seed: UInt64(11)),
        (file: "default-210-400-seed3.jsonl", households: 2, symbols: 210, lots: 400, seed: UInt64(3)),
    ])
    func defaultProfileIsUnchanged(_ c: (file: String, households: Int, symbols: Int, lots: Int, seed: UInt64)) throws {
        let path = packageRoot.appendingPathComponent("Tests/Fixtures/generate/\(c.file)").path
        let expected = try String(contentsOfFile: path, encoding: .utf8)
        let generator = Generator(symbols: c.symbols, lots: c.lots, seed: c.seed)
        let printed = (0..<c.households).map { generator.household($0).json.serialized() + "\n" }.joined()
        #expect(printed == expected)
    }

    @Test(arguments: [(symbols: 50, lots: 5_000), (symbols: 7, lots: 333), (symbols: 20, lots: 10), (symbols: 3, lots: 0)])
    func directIndexingHouseholdsHaveTheAskedShape(_ size: (symbols: Int, lots: Int)) throws {
        let generator = Generator(symbols: size.symbols, lots: size.lots, seed: 5, profile: .directIndexing)
        let scenario = generator.household(2)
        #expect(ScenarioValidator.issues(in: scenario).isEmpty, "\(ScenarioValidator.issues(in: scenario))")
        // Exactly the lots asked for, the stocks and two funds priced, three accounts.
        #expect(scenario.accounts.reduce(0) { $0 + $1.lots.count } == size.lots)
        #expect(scenario.prices.count == size.symbols + 2)
        #expect(scenario.accounts.map(\.type) == [.taxable, .taxDeferred, .taxExempt])
        #expect(scenario.accounts[0].flow > 0)
        // The US slice: one leaf per stock, weights falling (cap-weighted), summing to 100.
        guard case .pie(let us) = scenario.pie?.slices.first?.content else {
            Issue.record("the first slice is not the US stocks pie")
            return
        }
        let weights = us.slices.map(\.weight)
        #expect(weights.count == size.symbols)
        #expect(abs(weights.reduce(0, +) - 100) < 1e-6)
        #expect(zip(weights, weights.dropFirst()).allSatisfy { $0 >= $1 })
        // Funds only in the IRA and the Roth; stocks only in the taxable account.
        #expect(scenario.accounts[0].lots.allSatisfy { $0.symbol.hasPrefix("S") })
        #expect(scenario.accounts.dropFirst().allSatisfy { $0.lots.allSatisfy { ["VXUS", "BND"].contains($0.symbol) } })
        // Read back from its JSON: the file `generate` writes is a valid scenario.
        let text = scenario.json.serialized()
        let read = try ScenarioLoader.parse(Data(text.utf8), format: .json, source: "di.json")
        #expect(read.json.serialized() == text)
    }

    @Test func directIndexingHouseholdIsRealistic() throws {
        let scenario = Generator(symbols: 50, lots: 5_000, seed: 1, profile: .directIndexing).household(0)
        let household = Household(scenario)
        let taxable = household.lots.filter(\.isTaxable)
        // Gains and losses both, in numbers, and lots both short- and long-term.
        let losses = taxable.filter { $0.gainPerShare < 0 }.count
        let gains = taxable.filter { $0.gainPerShare > 0 }.count
        #expect(losses >= taxable.count / 20 && gains >= taxable.count / 2, "\(losses) losses, \(gains) gains")
        #expect(taxable.contains { !$0.isLongTerm } && taxable.contains { $0.isLongTerm })
        // Monthly buys: about 100 lots per stock spanning years; no buy within 30 days of asOf
        // (only dividends reinvested can be that recent).
        let days = taxable.map { $0.acquired.days(to: scenario.asOf) }
        #expect(days.max()! > 5 * 365)
        // Drift of a few percent before trading (the deposit and cash count as misallocated).
        let drift = PlanMeasures(household).misallocation(sharesSold: nil, purchases: []) / household.totalInvestable
        #expect(drift > 0.01 && drift < 0.10, "drift \(drift)")
        // The same seed gives the same household; another seed another.
        let again = Generator(symbols: 50, lots: 5_000, seed: 1, profile: .directIndexing).household(0)
        let other = Generator(symbols: 50, lots: 5_000, seed: 2, profile: .directIndexing).household(0)
        #expect(again.json.serialized() == scenario.json.serialized())
        #expect(other.json.serialized() != scenario.json.serialized())
    }

    @Test func powerLawWeightsSumTo100AndFall() {
        // 1, 1/2, 1/3 (α = 1) sum to 11/6: 54.545454…, 27.272727…, 18.181818… percent.
        let w = Generator.powerLawWeights(3, alpha: 1)
        #expect(w == [54.545455, 27.272727, 18.181818])
        #expect(abs(w.reduce(0, +) - 100) < 1e-9)
        // 100,000 weights: none zero even at the tail.
        let many = Generator.powerLawWeights(100_000, alpha: 1.1)
        #expect(many.allSatisfy { $0 > 0 } && abs(many.reduce(0, +) - 100) < 1e-6)
    }
}
