import Foundation
import Testing

@testable import Rebalancing

/// Reading `wholeShares` and `minTrade` per account (docs/scenario-format.md): their types and ranges, refused
/// with field paths, and a withdrawal that positions under `minTrade` cannot raise.
@Suite struct OrderRulesReaderTests {
    static func scenario(_ account: String) -> String {
        """
        asOf: 2026-11-20
        prices: {VTI: 300, BND: 70}
        pie: {slices: [{symbol: VTI, weight: 60}, {symbol: BND, weight: 40}]}
        accounts:
          - {id: brokerage, type: taxable, cash: 1000, \(account)lots: [{symbol: VTI, shares: 10, costBasis: 2500, acquired: 2021-03-04}, {symbol: BND, shares: 0.2, costBasis: 14, acquired: 2021-03-04}]}
        """
    }

    static func issues(_ account: String) -> [String] {
        do throws(ScenarioError) {
            _ = try ScenarioLoader.parse(Data(scenario(account).utf8), format: .yaml, source: "s.yaml")
            return []
        } catch {
            guard case .invalid(_, let issues) = error else { return ["\(error)"] }
            return issues.map(\.description)
        }
    }

    @Test func bothKeysAreRead() throws {
        let account = try household(Self.scenario("wholeShares: true, minTrade: 25.5, ")).scenario.accounts[0]
        #expect(account.wholeShares)
        #expect(account.minTrade == 25.5)
        let plain = try household(Self.scenario("")).scenario.accounts[0]
        #expect(!plain.wholeShares && plain.minTrade == 0 && !plain.hasOrderRules)
    }

    @Test func badValuesAreRefusedAtTheirPath() {
        #expect(Self.issues("wholeShares: yes, ") == ["accounts[0].wholeShares: must be true or false, got a string"])
        #expect(Self.issues("wholeShares: 1, ") == ["accounts[0].wholeShares: must be true or false, got a number"])
        #expect(Self.issues("minTrade: -1, ") == ["accounts[0].minTrade: must be ≥ 0, got -1"])
        #expect(Self.issues("minTrade: .inf, ") == ["accounts[0].minTrade: must be a finite number, got .inf"])
        #expect(Self.issues("minTrade: \"5\", ") == ["accounts[0].minTrade: must be a number, got a string \"5\""])
        #expect(Self.issues("minTrades: 5, ").first?.hasPrefix("accounts[0].minTrades: unknown key") == true)
    }

    /// BND's 0.2 shares are worth $14: under `minTrade: 25` they cannot be sold, so a withdrawal
    /// of $3,010 (cash $1,000 + VTI $3,000 = $4,000 raisable, then $14 would not count) is fine
    /// but one of $4,005 is not, though $4,014 is held.
    @Test func aWithdrawalCountsOnlyPositionsWorthAMinimumTrade() {
        #expect(Self.issues("minTrade: 25, flow: -3010, ") == [])
        let refused = Self.issues("minTrade: 25, flow: -4005, ")
        #expect(refused.count == 1)
        #expect(refused.first?.hasPrefix("accounts[0].flow: the withdrawal of $4,005.00 is more than account brokerage can raise") == true)
        #expect(refused.first?.contains("$14.00 more is in positions worth less than minTrade $25.00") == true)
        // Without minTrade the $14 counts.
        #expect(Self.issues("flow: -4005, ") == [])
    }

    @Test func generatedJSONKeepsThem() throws {
        let scenario = try household(Self.scenario("wholeShares: true, minTrade: 25, ")).scenario
        let again = try ScenarioLoader.parse(Data(scenario.json.serialized().utf8), format: .json, source: "s.json")
        #expect(again.accounts[0].wholeShares && again.accounts[0].minTrade == 25)
        let plain = try household(Self.scenario("")).scenario
        #expect(!plain.json.serialized().contains("wholeShares") && !plain.json.serialized().contains("minTrade"))
    }
}
