import Foundation
import Testing

@testable import Rebalancing

/// One naming rule for a scenario, in every command and in the batch.
@Suite struct DisplayNameTests {
    static let unnamed = """
        asOf: 2026-11-20
        prices: {A: 100}
        pie: {slices: [{symbol: A, weight: 100}]}
        accounts: [{id: t, type: taxable, cash: 100}]
        """

    @Test(arguments: [
        ("dir/book.yaml", "book"), ("book.json", "book"), ("a/b.c/my.book.yml", "my.book"),
        ("dir/book.jsonl:3", "book:3"), ("noextension", "noextension"), ("dir/x.jsonl:12", "x:12"),
    ])
    func unnamedScenarioTakesItsSourcesBaseName(source: String, expected: String) throws {
        let scenario = try ScenarioLoader.parse(Data(Self.unnamed.utf8), format: .yaml, source: source)
        #expect(scenario.displayName(source: source) == expected)
        #expect(PreparedScenario(scenario, source: source).name == expected)
    }

    @Test func aNameWins() throws {
        let scenario = try ScenarioLoader.parse(Data(("name: Mine\n" + Self.unnamed).utf8), format: .yaml, source: "x.yaml")
        #expect(scenario.displayName(source: "dir/x.yaml:4") == "Mine")
    }
}
