import Foundation
import Testing

@testable import Rebalancing

// Tests of docs/scenario-format.md: reading and validating scenario files (ScenarioLoader, ScenarioReader,
// ScenarioValidator, Document), plus the strategy names a scenario may list (Strategy(parsing:)).

// MARK: - Helpers (file-private so that other test files may use the same names)

private let readerSource = "s.yaml"

private func readerParse(_ text: String, _ format: ScenarioLoader.Format = .yaml) throws(ScenarioError) -> Scenario {
    try ScenarioLoader.parse(Data(text.utf8), format: format, source: readerSource)
}

/// The error a refused scenario throws; records a failure when it is accepted.
private func readerRefusal(
    _ data: Data, _ format: ScenarioLoader.Format = .yaml, sourceLocation: SourceLocation = #_sourceLocation
) -> ScenarioError? {
    do throws(ScenarioError) {
        _ = try ScenarioLoader.parse(data, format: format, source: readerSource)
        Issue.record("expected the scenario to be refused, but it loaded", sourceLocation: sourceLocation)
        return nil
    } catch {
        #expect(error.file == readerSource, sourceLocation: sourceLocation)
        return error
    }
}

/// The issues of a scenario refused as `.invalid`.
private func readerIssues(
    _ text: String, _ format: ScenarioLoader.Format = .yaml, sourceLocation: SourceLocation = #_sourceLocation
) -> [ScenarioIssue] {
    guard let error = readerRefusal(Data(text.utf8), format, sourceLocation: sourceLocation) else { return [] }
    guard case .invalid(_, let issues) = error else {
        Issue.record("expected .invalid, got \(error)", sourceLocation: sourceLocation)
        return []
    }
    return issues
}

/// Expects one issue at exactly `path` whose message contains `fragment`.
private func expectReaderIssue(
    _ issues: [ScenarioIssue], _ path: String, _ fragment: String, sourceLocation: SourceLocation = #_sourceLocation
) {
    let matching = issues.filter { $0.path == path && $0.message.contains(fragment) }
    #expect(
        matching.count == 1, "expected one issue at \(path) containing \"\(fragment)\"; got \(issues)",
        sourceLocation: sourceLocation)
}

/// A small valid scenario in flow style, with parts replaceable.
private func readerYAML(
    asOf: String = "2026-11-20",
    tax: String? = nil,
    prices: String = "{VTI: 300, BND: 70}",
    pie: String? = "{slices: [{symbol: VTI, weight: 60}, {symbol: BND, weight: 40}]}",
    accounts: String =
        "[{id: brokerage, type: taxable, cash: 1000, lots: [{symbol: VTI, shares: 10, costBasis: 2500, acquired: 2021-03-04}]}]",
    extra: String = ""
) -> String {
    var lines = ["asOf: \(asOf)"]
    if let tax { lines.append("tax: \(tax)") }
    lines.append("prices: \(prices)")
    if let pie { lines.append("pie: \(pie)") }
    lines.append("accounts: \(accounts)")
    if !extra.isEmpty { lines.append(extra) }
    return lines.joined(separator: "\n") + "\n"
}

private func readerClose(_ a: Double, _ b: Double, _ tolerance: Double = 1e-9) -> Bool { abs(a - b) <= tolerance }


@Suite("Scenario reading and validation")
struct ScenarioReaderTests {

    // MARK: A valid baseline

    @Test func baselineIsValid() throws {
        let scenario = try readerParse(readerYAML())
        #expect(scenario.asOf == Day("2026-11-20"))
        #expect(scenario.prices == ["VTI": 300, "BND": 70])
        #expect(scenario.accounts.count == 1)
        #expect(scenario.accounts[0].lots.count == 1)
        // Defaults of docs/scenario-format.md when tax is absent.
        #expect(scenario.tax == TaxSettings())
        #expect(scenario.tax.shortTermRate == 0.35)
        #expect(scenario.tax.longTermRate == 0.15)
        #expect(scenario.tax.ordinaryOffsetLimit == 3000)
        #expect(scenario.strategies == nil)
    }

    // MARK: Unknown keys

    @Test(
        "unknown keys are reported at their field path",
        arguments: [
            (readerYAML(extra: "colour: blue"), "colour"),
            (readerYAML(tax: "{shortTermRate: 0.3, bracket: 24}"), "tax.bracket"),
            (readerYAML(tax: "{realizedThisYear: {shortTerm: 1, midTerm: 2}}"), "tax.realizedThisYear.midTerm"),
            (
                readerYAML(accounts: "[{id: a, type: taxable, cash: 10, broker: Schwab, lots: []}]"),
                "accounts[0].broker"
            ),
            (
                readerYAML(
                    accounts:
                        "[{id: a, type: taxable, lots: [{symbol: VTI, shares: 1, costBasis: 1, acquired: 2020-01-01, note: x}]}]"
                ),
                "accounts[0].lots[0].note"
            ),
            (
                readerYAML(pie: "{slices: [{symbol: VTI, weight: 60, colour: red}, {symbol: BND, weight: 40}]}"),
                "pie.slices[0].colour"
            ),
            (
                readerYAML(pie: "{slices: [{symbol: VTI, weight: 60}, {name: B, weight: 40, tilt: 2, slices: [{symbol: BND, weight: 100}]}]}"),
                "pie.slices[1].tilt"
            ),
            (readerYAML(pie: "{title: Core, slices: [{symbol: VTI, weight: 100}]}"), "pie.title"),
        ])
    func unknownKeys(text: String, path: String) {
        let found = readerIssues(text)
        #expect(found.count == 1, "\(found)")
        expectReaderIssue(found, path, "unknown key")
    }

    @Test func unknownKeyMessageListsTheAllowedKeys() {
        let found = readerIssues(readerYAML(tax: "{shortTermRate: 0.3, bracket: 24}"))
        expectReaderIssue(found, "tax.bracket", "shortTermRate")
        #expect(found.first?.description.hasPrefix("tax.bracket: unknown key") == true)
    }

    // MARK: Missing required fields

    @Test func missingAsOf() {
        let text = readerYAML().replacingOccurrences(of: "asOf: 2026-11-20\n", with: "")
        let found = readerIssues(text)
        expectReaderIssue(found, "asOf", "is required")
    }

    @Test func missingPrices() {
        let text = readerYAML().replacingOccurrences(of: "prices: {VTI: 300, BND: 70}\n", with: "")
        let found = readerIssues(text)
        expectReaderIssue(found, "prices", "is required")
    }

    @Test func missingAccounts() {
        let text = "asOf: 2026-11-20\nprices: {VTI: 300}\npie: {slices: [{symbol: VTI, weight: 100}]}\n"
        let found = readerIssues(text)
        expectReaderIssue(found, "accounts", "is required")
        #expect(found.count == 1, "\(found)")
    }

    @Test func emptyAccountList() {
        let found = readerIssues(readerYAML(accounts: "[]"))
        expectReaderIssue(found, "accounts", "at least one account")
    }

    @Test func missingAccountFields() {
        let found = readerIssues(readerYAML(accounts: "[{cash: 10}]"))
        expectReaderIssue(found, "accounts[0].id", "is required")
        expectReaderIssue(found, "accounts[0].type", "is required")
    }

    @Test func missingLotFields() {
        // One lot missing everything but a stray id: all four required fields are reported.
        let found = readerIssues(readerYAML(accounts: "[{id: a, type: taxable, cash: 100, lots: [{id: L}]}]"))
        expectReaderIssue(found, "accounts[0].lots[0].symbol", "is required")
        expectReaderIssue(found, "accounts[0].lots[0].shares", "is required")
        expectReaderIssue(found, "accounts[0].lots[0].costBasis", "is required")
        expectReaderIssue(found, "accounts[0].lots[0].acquired", "is required")
        #expect(found.count == 4, "\(found)")
    }

    @Test func missingSliceWeight() {
        let found = readerIssues(readerYAML(pie: "{slices: [{symbol: VTI}, {symbol: BND, weight: 40}]}"))
        expectReaderIssue(found, "pie.slices[0].weight", "is required")
    }

    @Test func unknownAccountType() {
        let found = readerIssues(readerYAML(accounts: "[{id: a, type: brokerage, cash: 10}]"))
        expectReaderIssue(found, "accounts[0].type", "must be taxable, taxDeferred or taxExempt")
    }

    // MARK: Wrong types

    @Test func stringWhereNumber() {
        let found = readerIssues(readerYAML(accounts: "[{id: a, type: taxable, cash: lots, lots: []}]"))
        expectReaderIssue(found, "accounts[0].cash", "must be a number, got a string \"lots\"")
    }

    @Test func quotedNumberIsAString() {
        // "1000" quoted is a string in YAML, not a number.
        let found = readerIssues(readerYAML(accounts: "[{id: a, type: taxable, cash: \"1000\", lots: []}]"))
        expectReaderIssue(found, "accounts[0].cash", "must be a number, got a string")
    }

    @Test func listWhereMapping() {
        let found = readerIssues(readerYAML(tax: "[0.35, 0.15]"))
        expectReaderIssue(found, "tax", "must be a mapping, got a list")
        let nested = readerIssues(readerYAML(tax: "{carryforwardLoss: [1, 2]}"))
        expectReaderIssue(nested, "tax.carryforwardLoss", "must be a mapping, got a list")
    }

    @Test func mappingWhereList() {
        let found = readerIssues(readerYAML(accounts: "{id: a, type: taxable}"))
        expectReaderIssue(found, "accounts", "must be a list, got a mapping")
    }

    @Test func pricesNotAMapping() {
        let found = readerIssues(readerYAML(prices: "[VTI, BND]"))
        expectReaderIssue(found, "prices", "must be a mapping")
    }

    @Test func scalarWhereLot() {
        let found = readerIssues(readerYAML(accounts: "[{id: a, type: taxable, lots: [VTI]}]"))
        expectReaderIssue(found, "accounts[0].lots[0]", "must be a mapping, got a string")
    }

    @Test func topLevelNotAMapping() {
        let found = readerIssues("- just\n- a list\n")
        #expect(found.count == 1, "\(found)")
        #expect(found.first?.message.contains("must be a mapping, got a list") == true)
    }

    @Test func emptyFileIsRefused() {
        let found = readerIssues("")
        #expect(!found.isEmpty)
    }

    @Test func rateOutsideZeroToOne() {
        let found = readerIssues(readerYAML(tax: "{shortTermRate: 35}"))
        expectReaderIssue(found, "tax.shortTermRate", "between 0 and 1")
    }

    @Test func negativeCarryforwardRefusedButNegativeRealizedAllowed() throws {
        let found = readerIssues(readerYAML(tax: "{carryforwardLoss: {shortTerm: -10}}"))
        expectReaderIssue(found, "tax.carryforwardLoss.shortTerm", "must be ≥ 0, got -10")
        // realizedThisYear may be < 0 (docs/scenario-format.md).
        let scenario = try readerParse(readerYAML(tax: "{realizedThisYear: {shortTerm: -1500, longTerm: 200}}"))
        #expect(scenario.tax.realizedThisYear == TermAmounts(shortTerm: -1500, longTerm: 200))
    }

    // MARK: Non-positive and negative numbers

    @Test(arguments: ["0", "-5", "-0.01"])
    func nonPositivePrice(price: String) {
        let found = readerIssues(readerYAML(prices: "{VTI: 300, BND: \(price)}"))
        expectReaderIssue(found, "prices.BND", "must be > 0, got \(price)")
    }

    @Test func nonPositiveShares() {
        let found = readerIssues(
            readerYAML(accounts: "[{id: a, type: taxable, lots: [{symbol: VTI, shares: -2, costBasis: 100, acquired: 2021-03-04}]}]"))
        #expect(found.map(\.description).contains("accounts[0].lots[0].shares: must be > 0, got -2"), "\(found)")
        let zero = readerIssues(
            readerYAML(accounts: "[{id: a, type: taxable, cash: 5, lots: [{symbol: VTI, shares: 0, costBasis: 100, acquired: 2021-03-04}]}]"))
        expectReaderIssue(zero, "accounts[0].lots[0].shares", "must be > 0, got 0")
    }

    @Test func sharesMessageInSecondAccountFourthLot() {
        // The exact shape quoted by docs/scenario-format.md: accounts[1].lots[3].shares: must be > 0, got -2.
        let lot = "{symbol: VTI, shares: 1, costBasis: 100, acquired: 2021-03-04}"
        let bad = "{symbol: VTI, shares: -2, costBasis: 100, acquired: 2021-03-04}"
        let found = readerIssues(
            readerYAML(accounts: "[{id: a, type: taxable, lots: [\(lot)]}, {id: b, type: taxable, lots: [\(lot), \(lot), \(lot), \(bad)]}]"))
        #expect(found.map(\.description) == ["accounts[1].lots[3].shares: must be > 0, got -2"])
        // And the error's lines name the file.
        let error = readerRefusal(Data(readerYAML(accounts: "[{id: a, type: taxable, lots: [\(bad)]}]").utf8))
        #expect(error?.lines == ["s.yaml: accounts[0].lots[0].shares: must be > 0, got -2"])
    }

    @Test func negativeCostBasisCashMinCash() {
        let found = readerIssues(
            readerYAML(
                accounts:
                    "[{id: a, type: taxable, cash: -1, minCash: -3, lots: [{symbol: VTI, shares: 1, costBasis: -100, acquired: 2021-03-04}]}]"
            ))
        expectReaderIssue(found, "accounts[0].cash", "must be ≥ 0, got -1")
        expectReaderIssue(found, "accounts[0].minCash", "must be ≥ 0, got -3")
        expectReaderIssue(found, "accounts[0].lots[0].costBasis", "must be ≥ 0, got -100")
        #expect(found.count == 3, "\(found)")
    }

    @Test func zeroCostBasisAndZeroCashAreFine() throws {
        let scenario = try readerParse(
            readerYAML(accounts: "[{id: a, type: taxable, cash: 0, lots: [{symbol: VTI, shares: 1, costBasis: 0, acquired: 2021-03-04}]}]"))
        #expect(scenario.accounts[0].lots[0].costBasis == 0)
    }

    // MARK: Non-finite numbers

    @Test(
        arguments: [
            (readerYAML(prices: "{VTI: .inf, BND: 70}"), "prices.VTI", ".inf"),
            (readerYAML(prices: "{VTI: .nan, BND: 70}"), "prices.VTI", ".nan"),
            (readerYAML(accounts: "[{id: a, type: taxable, cash: .inf}]"), "accounts[0].cash", ".inf"),
            (readerYAML(accounts: "[{id: a, type: taxable, cash: 1, flow: -.inf}]"), "accounts[0].flow", "-.inf"),
            (readerYAML(accounts: "[{id: a, type: taxable, cash: 1, flow: .NaN}]"), "accounts[0].flow", ".NaN"),
            (
                readerYAML(accounts: "[{id: a, type: taxable, lots: [{symbol: VTI, shares: .nan, costBasis: 1, acquired: 2021-03-04}]}]"),
                "accounts[0].lots[0].shares", ".nan"
            ),
            (readerYAML(tax: "{ordinaryOffsetLimit: .inf}"), "tax.ordinaryOffsetLimit", ".inf"),
            (readerYAML(tax: "{realizedThisYear: {shortTerm: .nan}}"), "tax.realizedThisYear.shortTerm", ".nan"),
            (readerYAML(pie: "{slices: [{symbol: VTI, weight: .inf}, {symbol: BND, weight: 40}]}"), "pie.slices[0].weight", ".inf"),
        ])
    func nonFiniteNumbers(text: String, path: String, written: String) {
        let found = readerIssues(text)
        expectReaderIssue(found, path, "must be a finite number, got \(written)")
    }

    @Test func hugeNumberOverflowingToInfinityIsRefused() {
        // 1e400 is beyond Double: it must not slip through as +inf.
        let found = readerIssues(readerYAML(prices: "{VTI: 1e400, BND: 70}"))
        expectReaderIssue(found, "prices.VTI", "finite")
    }

    // MARK: Pies

    @Test func weightsNotSummingTo100AtTopLevel() {
        let found = readerIssues(readerYAML(pie: "{slices: [{symbol: VTI, weight: 60}, {symbol: BND, weight: 30}]}"))
        expectReaderIssue(found, "pie.slices", "weights must sum to 100, got 90")
        #expect(found.count == 1, "\(found)")
    }

    @Test func weightsNotSummingTo100AtNestedLevel() {
        // The top level sums to 60 + 40 = 100; the sub-pie Bonds sums to 70 + 20 = 90.
        let found = readerIssues(
            readerYAML(
                prices: "{VTI: 300, BND: 70, BNDX: 49}",
                pie: "{slices: [{symbol: VTI, weight: 60}, {name: Bonds, weight: 40, slices: [{symbol: BND, weight: 70}, {symbol: BNDX, weight: 20}]}]}"
            ))
        expectReaderIssue(found, "pie.slices[1].slices", "weights must sum to 100, got 90")
        #expect(found.count == 1, "\(found)")
    }

    @Test func weightsInAnAccountPie() {
        let found = readerIssues(
            readerYAML(accounts: "[{id: a, type: taxExempt, cash: 10, pie: {slices: [{symbol: VTI, weight: 101}]}}]"))
        expectReaderIssue(found, "accounts[0].pie.slices", "weights must sum to 100, got 101")
    }

    @Test func weightsWithinToleranceAreAccepted() throws {
        // 33.33 + 33.33 + 33.335 = 99.995: within 0.01 of 100.
        _ = try readerParse(
            readerYAML(
                prices: "{VTI: 300, BND: 70, VXUS: 60}",
                pie: "{slices: [{symbol: VTI, weight: 33.33}, {symbol: BND, weight: 33.33}, {symbol: VXUS, weight: 33.335}]}"))
        // 33.33 + 33.33 + 33.32 = 99.98: off by 0.02, refused.
        let found = readerIssues(
            readerYAML(
                prices: "{VTI: 300, BND: 70, VXUS: 60}",
                pie: "{slices: [{symbol: VTI, weight: 33.33}, {symbol: BND, weight: 33.33}, {symbol: VXUS, weight: 33.32}]}"))
        expectReaderIssue(found, "pie.slices", "weights must sum to 100")
    }

    @Test func nonPositiveSliceWeight() {
        let found = readerIssues(readerYAML(pie: "{slices: [{symbol: VTI, weight: 100}, {symbol: BND, weight: 0}]}"))
        expectReaderIssue(found, "pie.slices[1].weight", "must be > 0, got 0")
    }

    @Test func emptyPie() {
        let found = readerIssues(readerYAML(pie: "{slices: []}"))
        expectReaderIssue(found, "pie.slices", "at least one slice")
        let nested = readerIssues(
            readerYAML(pie: "{slices: [{symbol: VTI, weight: 60}, {name: Bonds, weight: 40, slices: []}]}"))
        expectReaderIssue(nested, "pie.slices[1].slices", "at least one slice")
        let own = readerIssues(readerYAML(accounts: "[{id: a, type: taxExempt, cash: 10, pie: {slices: []}}]"))
        expectReaderIssue(own, "accounts[0].pie.slices", "at least one slice")
    }

    @Test func pieWithoutSlices() {
        let found = readerIssues(readerYAML(pie: "{name: Core}"))
        expectReaderIssue(found, "pie.slices", "is required")
    }

    @Test func sliceWithBothSymbolAndSlices() {
        let found = readerIssues(
            readerYAML(pie: "{slices: [{symbol: VTI, weight: 60}, {symbol: BND, weight: 40, slices: [{symbol: BND, weight: 100}]}]}"))
        expectReaderIssue(found, "pie.slices[1]", "not both")
        #expect(found.count == 1, "\(found)")
    }

    @Test func sliceWithNeither() {
        let found = readerIssues(readerYAML(pie: "{slices: [{symbol: VTI, weight: 60}, {name: Bonds, weight: 40}]}"))
        expectReaderIssue(found, "pie.slices[1]", "needs symbol")
        #expect(found.count == 1, "\(found)")
    }

    @Test func pieNestingTooDeepIsRefusedWithoutCrashing() {
        // 40 levels of single-slice sub-pies, past the reader's pie-depth limit.
        var pie = "{symbol: VTI, weight: 100}"
        for _ in 0..<40 { pie = "{weight: 100, slices: [\(pie)]}" }
        let found = readerIssues(readerYAML(prices: "{VTI: 300}", pie: "{slices: [\(pie)]}"))
        #expect(found.contains { $0.message.contains("nest") }, "\(found)")
    }

    // MARK: Identity and dates

    @Test func duplicateAccountIds() {
        let found = readerIssues(
            readerYAML(
                accounts:
                    "[{id: a, type: taxable, cash: 10}, {id: b, type: taxable, cash: 10}, {id: a, type: taxExempt, cash: 10}]"))
        expectReaderIssue(found, "accounts[2].id", "duplicate account id \"a\" (also accounts[0])")
        #expect(found.count == 1, "\(found)")
    }

    @Test func duplicateLotIds() {
        let found = readerIssues(
            readerYAML(
                accounts:
                    "[{id: a, type: taxable, lots: [{id: T-1, symbol: VTI, shares: 1, costBasis: 1, acquired: 2020-01-01}, {id: T-1, symbol: VTI, shares: 2, costBasis: 1, acquired: 2020-01-02}]}]"
            ))
        expectReaderIssue(found, "accounts[0].lots[1].id", "duplicate lot id \"T-1\" (also accounts[0].lots[0])")
        #expect(found.count == 1, "\(found)")
    }

    @Test func acquiredAfterAsOf() {
        let found = readerIssues(
            readerYAML(accounts: "[{id: a, type: taxable, lots: [{symbol: VTI, shares: 1, costBasis: 1, acquired: 2026-11-21}]}]"))
        expectReaderIssue(found, "accounts[0].lots[0].acquired", "2026-11-21 is after asOf 2026-11-20")
    }

    @Test func acquiredOnAsOfIsFine() throws {
        _ = try readerParse(
            readerYAML(accounts: "[{id: a, type: taxable, lots: [{symbol: VTI, shares: 1, costBasis: 1, acquired: 2026-11-20}]}]"))
    }

    @Test(arguments: ["2026-02-30", "2026-13-01", "yesterday", "2026-00-10", "2025-02-29", "2026-1-5", "20261120", "2026/11/20"])
    func invalidAsOf(text: String) {
        let found = readerIssues(readerYAML(asOf: text))
        expectReaderIssue(found, "asOf", "must be a date written YYYY-MM-DD, got \"\(text)\"")
    }

    @Test(arguments: ["2026-02-30", "2026-13-01", "yesterday"])
    func invalidAcquired(text: String) {
        let found = readerIssues(
            readerYAML(accounts: "[{id: a, type: taxable, cash: 1, lots: [{symbol: VTI, shares: 1, costBasis: 1, acquired: \(text)}]}]"))
        expectReaderIssue(found, "accounts[0].lots[0].acquired", "must be a date written YYYY-MM-DD, got \"\(text)\"")
    }

    // MARK: Prices for held and targeted symbols

    @Test func missingPriceForHeldSymbol() {
        let found = readerIssues(
            readerYAML(
                accounts:
                    "[{id: a, type: taxable, lots: [{symbol: VTI, shares: 1, costBasis: 1, acquired: 2020-01-01}, {symbol: GLD, shares: 1, costBasis: 1, acquired: 2020-01-01}]}]"
            ))
        expectReaderIssue(found, "accounts[0].lots[1].symbol", "no price for \"GLD\"")
        #expect(found.count == 1, "\(found)")
    }

    @Test func missingPriceForTargetedSymbol() {
        // BNDX is only targeted, two levels down.
        let found = readerIssues(
            readerYAML(pie: "{slices: [{symbol: VTI, weight: 60}, {name: Bonds, weight: 40, slices: [{symbol: BND, weight: 70}, {symbol: BNDX, weight: 30}]}]}"))
        expectReaderIssue(found, "pie.slices[1].slices[1].symbol", "no price for \"BNDX\"")
        #expect(found.count == 1, "\(found)")
    }

    @Test func missingPriceInAnAccountPie() {
        let found = readerIssues(
            readerYAML(
                accounts:
                    "[{id: a, type: taxable, cash: 100}, {id: roth, type: taxExempt, cash: 100, pie: {slices: [{symbol: QQQ, weight: 100}]}}]"
            ))
        expectReaderIssue(found, "accounts[1].pie.slices[0].symbol", "no price for \"QQQ\"")
    }

    // MARK: Coverage, withdrawals, minCash and groups

    @Test func accountCoveredByNoPie() {
        let found = readerIssues(
            readerYAML(
                pie: nil,
                accounts:
                    "[{id: a, type: taxable, cash: 100}, {id: roth, type: taxExempt, cash: 100, pie: {slices: [{symbol: VTI, weight: 100}]}}]"
            ))
        expectReaderIssue(found, "accounts[0]", "covered by no pie")
        #expect(found.count == 1, "\(found)")
    }

    @Test func everyAccountWithItsOwnPieNeedsNoTopLevelPie() throws {
        let scenario = try readerParse(
            readerYAML(pie: nil, accounts: "[{id: roth, type: taxExempt, cash: 100, pie: {slices: [{symbol: VTI, weight: 100}]}}]"))
        #expect(scenario.pie == nil)
    }

    @Test func withdrawalLargerThanTheAccountCanRaise() {
        // cash 100 + holdings 10 × 300 = 3,100 available; withdrawing 3,200 leaves −100.
        let found = readerIssues(
            readerYAML(
                accounts:
                    "[{id: a, type: taxable, cash: 100, flow: -3200, lots: [{symbol: VTI, shares: 10, costBasis: 2500, acquired: 2021-03-04}]}]"
            ))
        expectReaderIssue(found, "accounts[0].flow", "withdrawal of $3,200.00")
        #expect(found.count == 1, "\(found)")
    }

    @Test func withdrawalPlusMinCashTooLarge() {
        // cash 100 + flow −3,000 + holdings 3,000 = 100 < minCash 200: the withdrawal is the problem.
        // Message: cash $100.00 + holdings $3,000.00 − minCash $200.00 = $2,900.00 can be raised.
        let found = readerIssues(
            readerYAML(
                accounts:
                    "[{id: a, type: taxable, cash: 100, flow: -3000, minCash: 200, lots: [{symbol: VTI, shares: 10, costBasis: 2500, acquired: 2021-03-04}]}, {id: b, type: taxable, cash: 500}]"
            ))
        expectReaderIssue(found, "accounts[0].flow", "= $2,900.00")
        #expect(found.count == 1, "\(found)")
    }

    @Test func withdrawingExactlyEverythingFromOneAccountIsFine() throws {
        // Account a can raise 100 + 3,000 = 3,100 and withdraws exactly that; account b keeps the
        // household group investable (500 > 0).
        let scenario = try readerParse(
            readerYAML(
                accounts:
                    "[{id: a, type: taxable, cash: 100, flow: -3100, lots: [{symbol: VTI, shares: 10, costBasis: 2500, acquired: 2021-03-04}]}, {id: b, type: taxable, cash: 500}]"
            ))
        #expect(scenario.accounts[0].flow == -3100)
    }

    @Test func withdrawingEverythingGivenInCentsIsFineAndPlans() throws {
        // Cash $0.10 + 1 VTI at $100.13 = $100.23 in cents, but 0.10 − 100.23 + 100.13 is −1.4e-14
        // in binary: the withdrawal of exactly everything was refused as "$100.23 is more than
        // ... = $100.23". Read, it plans: the brokerage sells its one share and ends with no cash.
        let scenario = try readerParse(
            readerYAML(
                prices: "{VTI: 100.13, BND: 70}",
                accounts:
                    "[{id: a, type: taxable, cash: 0.10, flow: -100.23, lots: [{symbol: VTI, shares: 1, costBasis: 90, acquired: 2021-03-04}]}, {id: b, type: taxable, cash: 500}]"
            ))
        let household = Household(scenario)
        let plan = Planner().plan(household, strategy: try Strategy(parsing: "full"))
        #expect(plan.status == .optimal)
        #expect(PlanVerifier(household).violations(of: plan) == [])
    }

    @Test func minCashLargerThanEverything() {
        // cash 100 + holdings 3,000 = 3,100 < minCash 5,000.
        let found = readerIssues(
            readerYAML(
                accounts:
                    "[{id: a, type: taxable, cash: 100, minCash: 5000, lots: [{symbol: VTI, shares: 10, costBasis: 2500, acquired: 2021-03-04}]}]"
            ))
        expectReaderIssue(found, "accounts[0].minCash", "$5,000.00 is more than account a's cash and holdings ($3,100.00)")
        #expect(found.count == 1, "\(found)")
    }

    @Test func householdGroupWithNothingToInvest() {
        // One account, no cash, no lots: V = 0, I = 0.
        let found = readerIssues(readerYAML(accounts: "[{id: a, type: taxable, cash: 0, lots: []}]"))
        expectReaderIssue(found, "pie", "$0.00 to invest")
        #expect(found.count == 1, "\(found)")
    }

    @Test func ownPieGroupWithNothingToInvest() {
        // The Roth keeps all its cash: V = 500, minCash 500, I = 0.
        let found = readerIssues(
            readerYAML(
                accounts:
                    "[{id: a, type: taxable, cash: 100}, {id: roth, type: taxExempt, cash: 500, minCash: 500, pie: {slices: [{symbol: VTI, weight: 100}]}}]"
            ))
        expectReaderIssue(found, "accounts[1].pie", "$0.00 to invest")
        #expect(found.count == 1, "\(found)")
    }

    // MARK: Strategies listed in the scenario

    @Test func badStrategies() throws {
        let found = readerIssues(readerYAML(extra: "strategies: [full, \"band:-1\", bogus, tax-budget, {x: 1}]"))
        expectReaderIssue(found, "strategies[1]", "band")
        expectReaderIssue(found, "strategies[2]", "unknown strategy \"bogus\"")
        expectReaderIssue(found, "strategies[3]", "tax-budget needs a budget")
        expectReaderIssue(found, "strategies[4]", "must be a string")
        #expect(found.count == 4, "\(found)")
        let scenario = try readerParse(readerYAML(extra: "strategies: [cash-only, \"band:5\", \"tax-aware:0.10\", full]"))
        #expect(scenario.strategies?.map(\.name) == ["cash-only", "band:5", "tax-aware:0.10", "full"])
    }

    // MARK: Every problem at once

    @Test func manyProblemsAreAllReportedAtOnce() {
        let text = """
            name: Many problems
            asOf: 2026-11-20
            colour: blue
            tax:
              shortTermRate: 0.35
              bracket: 24
              realizedThisYear: [1, 2]
            prices: {VTI: 300, BND: 70, BNDX: 49, BAD: 0, INF: .inf}
            pie:
              slices:
                - {symbol: VTI, weight: 60, colour: red}
                - name: Bonds
                  weight: 40
                  slices:
                    - {symbol: BND, weight: 50}
                    - {symbol: BNDX, weight: 30}
                    - {symbol: VGLT, weight: 10}
            accounts:
              - id: brokerage
                type: taxable
                cash: -5
                broker: Schwab
                lots:
                  - {id: L1, symbol: VTI, shares: 10, costBasis: 2500, acquired: 2021-03-04, note: x}
                  - {symbol: GLD, shares: 5, costBasis: 300, acquired: 2020-01-01}
                  - {symbol: VTI, shares: 1, costBasis: 100, acquired: 2026-12-01}
                  - {symbol: VTI, shares: -2, costBasis: 100, acquired: 2021-03-04}
                  - {symbol: VTI, shares: 1, costBasis: -1, acquired: 2021-03-04}
                  - {symbol: VTI, shares: 1, costBasis: 100, acquired: 2026-02-30}
                  - {symbol: VTI, shares: 1, costBasis: 100}
              - id: ira
                type: taxDeferred
                minCash: lots
                flow: .nan
                lots:
                  - {id: L1, symbol: BND, shares: 5, costBasis: 300, acquired: 2020-06-01}
              - id: brokerage
                type: taxExempt
                pie: {slices: []}
              - id: roth
                type: taxExempt
                pie:
                  slices:
                    - {symbol: VTI}
                    - {symbol: BND, weight: 10, slices: [{symbol: BND, weight: 100}]}
                    - {weight: 5}
            strategies: [full, "band:-1", bogus, tax-budget]
            """
        let expected: [(String, String)] = [
            ("colour", "unknown key"),
            ("tax.bracket", "unknown key"),
            ("tax.realizedThisYear", "must be a mapping, got a list"),
            ("prices.BAD", "must be > 0, got 0"),
            ("prices.INF", "must be a finite number, got .inf"),
            ("pie.slices[0].colour", "unknown key"),
            ("pie.slices[1].slices", "weights must sum to 100, got 90"),  // 50 + 30 + 10
            ("pie.slices[1].slices[2].symbol", "no price for \"VGLT\""),
            ("accounts[0].cash", "must be ≥ 0, got -5"),
            ("accounts[0].broker", "unknown key"),
            ("accounts[0].lots[0].note", "unknown key"),
            ("accounts[0].lots[1].symbol", "no price for \"GLD\""),
            ("accounts[0].lots[2].acquired", "2026-12-01 is after asOf 2026-11-20"),
            ("accounts[0].lots[3].shares", "must be > 0, got -2"),
            ("accounts[0].lots[4].costBasis", "must be ≥ 0, got -1"),
            ("accounts[0].lots[5].acquired", "must be a date written YYYY-MM-DD, got \"2026-02-30\""),
            ("accounts[0].lots[6].acquired", "is required"),
            ("accounts[1].minCash", "must be a number, got a string \"lots\""),
            ("accounts[1].flow", "must be a finite number, got .nan"),
            ("accounts[1].lots[0].id", "duplicate lot id \"L1\" (also accounts[0].lots[0])"),
            ("accounts[2].id", "duplicate account id \"brokerage\" (also accounts[0])"),
            ("accounts[2].pie.slices", "at least one slice"),
            ("accounts[3].pie.slices[0].weight", "is required"),
            ("accounts[3].pie.slices[1]", "not both"),
            ("accounts[3].pie.slices[2]", "needs symbol"),
            ("strategies[1]", "band"),
            ("strategies[2]", "unknown strategy \"bogus\""),
            ("strategies[3]", "tax-budget needs a budget"),
        ]
        let found = readerIssues(text)
        for (path, fragment) in expected { expectReaderIssue(found, path, fragment) }
        #expect(found.count == expected.count, "extra issues: \(found.filter { f in !expected.contains { $0.0 == f.path } })")
        // Each issue is one line naming the file.
        if let error = readerRefusal(Data(text.utf8)) {
            #expect(error.lines.count == found.count)
            #expect(error.lines.allSatisfy { $0.hasPrefix("s.yaml: ") })
        }
    }

    @Test func pathsStayRightAfterAnUnreadableLot() {
        // lots[0] is dropped by the reader (shares −2); the unpriced GLD lot is lots[1] in the file
        // and must be reported there, not at the index it has among the lots that were kept.
        let found = readerIssues(
            readerYAML(
                accounts:
                    "[{id: a, type: taxable, cash: 10, lots: [{symbol: VTI, shares: -2, costBasis: 1, acquired: 2020-01-01}, {symbol: GLD, shares: 1, costBasis: 1, acquired: 2020-01-01}, {symbol: VTI, shares: 1, costBasis: 1, acquired: 2027-01-01}]}]"
            ))
        expectReaderIssue(found, "accounts[0].lots[0].shares", "must be > 0, got -2")
        expectReaderIssue(found, "accounts[0].lots[1].symbol", "no price for \"GLD\"")
        expectReaderIssue(found, "accounts[0].lots[2].acquired", "is after asOf")
        #expect(found.count == 3, "\(found)")
    }

    @Test func pathsStayRightAfterAnUnreadableAccount() {
        // accounts[0] is dropped by the reader (unknown type); the duplicate id is accounts[2],
        // first seen at accounts[1].
        let found = readerIssues(
            readerYAML(
                accounts:
                    "[{id: x, type: brokerage, cash: 10}, {id: b, type: taxable, cash: 10}, {id: b, type: taxable, cash: 10, lots: [{symbol: GLD, shares: 1, costBasis: 1, acquired: 2020-01-01}]}]"
            ))
        expectReaderIssue(found, "accounts[0].type", "must be taxable, taxDeferred or taxExempt")
        expectReaderIssue(found, "accounts[2].id", "duplicate account id \"b\" (also accounts[1])")
        expectReaderIssue(found, "accounts[2].lots[0].symbol", "no price for \"GLD\"")
        #expect(found.count == 3, "\(found)")
    }

    @Test func accountChecksStillRunBesideAnUnrelatedUnknownKey() {
        // A misspelled top-level key drops nothing, so the withdrawal that the account cannot
        // raise (100 + 3,000 − 5,000 < 0) must be reported in the same run.
        let found = readerIssues(
            readerYAML(
                accounts:
                    "[{id: a, type: taxable, cash: 100, flow: -5000, lots: [{symbol: VTI, shares: 10, costBasis: 2500, acquired: 2021-03-04}]}]",
                extra: "colour: blue"))
        expectReaderIssue(found, "colour", "unknown key")
        expectReaderIssue(found, "accounts[0].flow", "withdrawal of $5,000.00")
    }

    // MARK: Files, syntax and hostile input

    @Test func unsupportedExtension() {
        for path in ["/tmp/scenario.txt", "/tmp/scenario.toml", "/tmp/scenario"] {
            do throws(ScenarioError) {
                _ = try ScenarioLoader.load(path: path)
                Issue.record("loaded \(path)")
            } catch {
                #expect(error == .unsupportedFormat(file: path))
                #expect(error.lines.first?.contains(".yaml, .yml or .json") == true)
            }
        }
        #expect(ScenarioLoader.Format(path: "a/b.YML") == .yaml)
        #expect(ScenarioLoader.Format(path: "a/b.yaml") == .yaml)
        #expect(ScenarioLoader.Format(path: "a/b.Json") == .json)
    }

    @Test func unreadableFile() {
        let path = "/nonexistent-dir-\(UUID().uuidString)/s.yaml"
        do throws(ScenarioError) {
            _ = try ScenarioLoader.load(path: path)
            Issue.record("loaded a missing file")
        } catch {
            guard case .unreadable(let file, _) = error else {
                Issue.record("expected .unreadable, got \(error)")
                return
            }
            #expect(file == path)
        }
    }

    @Test func loadFromDiskNamesTheFile() throws {
        let path = NSTemporaryDirectory() + "reader-test-\(UUID().uuidString).yml"
        try readerYAML(accounts: "[{id: a, type: taxable, cash: -1}]").write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        do throws(ScenarioError) {
            _ = try ScenarioLoader.load(path: path)
            Issue.record("accepted")
        } catch {
            #expect(error.lines == ["\(path): accounts[0].cash: must be ≥ 0, got -1"])
        }
    }

    @Test func yamlSyntaxError() {
        let error = readerRefusal(Data("asOf: 2026-11-20\nprices: {VTI: 300\naccounts: [\n".utf8))
        guard case .syntax(let file, let message)? = error else {
            Issue.record("expected .syntax, got \(String(describing: error))")
            return
        }
        #expect(file == readerSource)
        #expect(message.contains("YAML"))
    }

    @Test func yamlDuplicateKeyIsRefused() {
        // The same key twice in one mapping is an error (YAML spec), not a silent override.
        let error = readerRefusal(Data("asOf: 2026-11-20\nasOf: 2026-11-21\nprices: {VTI: 300}\n".utf8))
        #expect(error != nil)
    }

    @Test func jsonDuplicateKeyIsRefused() {
        // As in YAML, a key given twice must not silently override the first value.
        let json = """
            {"asOf": "2026-11-20", "asOf": "2020-01-01", "prices": {"VTI": 300},
             "pie": {"slices": [{"symbol": "VTI", "weight": 100}]},
             "accounts": [{"id": "a", "type": "taxable", "cash": 100}]}
            """
        do throws(ScenarioError) {
            let scenario = try readerParse(json, .json)
            Issue.record("a duplicate asOf was accepted; asOf \(scenario.asOf) was kept")
        } catch {
            // Refused, as it should be.
        }
    }

    @Test func jsonSyntaxError() {
        let error = readerRefusal(Data("{\"asOf\": \"2026-11-20\", \"prices\": {\"VTI\": 300,}".utf8), .json)
        guard case .syntax(let file, let message)? = error else {
            Issue.record("expected .syntax, got \(String(describing: error))")
            return
        }
        #expect(file == readerSource)
        #expect(message.contains("JSON"))
    }

    @Test(arguments: [ScenarioLoader.Format.yaml, .json])
    func invalidUTF8(format: ScenarioLoader.Format) {
        // "asOf: " then 0xFF 0xFE, which never occur in UTF-8, and an overlong encoding of "/".
        var bytes = Array("{\"asOf\": \"".utf8)
        bytes += [0xFF, 0xFE, 0xC0, 0xAF]
        bytes += Array("\"}".utf8)
        let error = readerRefusal(Data(bytes), format)
        guard case .syntax(_, let message)? = error else {
            Issue.record("expected .syntax, got \(String(describing: error))")
            return
        }
        #expect(message.contains("UTF-8"))
    }

    @Test(arguments: [ScenarioLoader.Format.yaml, .json])
    func deepNestingIsRefusedWithoutCrashing(format: ScenarioLoader.Format) {
        for text in [
            String(repeating: "[", count: 1000),
            String(repeating: "[", count: 1000) + String(repeating: "]", count: 1000),
            "{\"a\": " + String(repeating: "{\"a\": ", count: 1000) + "1" + String(repeating: "}", count: 1001),
            String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000),
        ] {
            let error = readerRefusal(Data(text.utf8), format)
            // JSON: our parser's limit (200 levels); YAML: libyaml's own (1,000 levels).
            switch error {
            case .tooLarge(_, let reason)?: #expect(reason.contains("nest"))
            case .syntax(_, let message)? where format == .yaml: #expect(message.contains("nesting level"))
            default: Issue.record("expected a refusal for nesting, got \(String(describing: error))")
            }
        }
    }

    @Test func deepBlockNestingIsRefusedWithoutCrashing() {
        // 300 levels of block mappings, one space of indentation each: no brackets at all.
        var text = ""
        for i in 0..<300 { text += String(repeating: " ", count: i) + "a:\n" }
        text += String(repeating: " ", count: 300) + "b: 1\n"
        let error = readerRefusal(Data(text.utf8))
        guard case .tooLarge? = error else {
            Issue.record("expected .tooLarge, got \(String(describing: error))")
            return
        }
    }

    @Test func nestingHiddenBehindAStrayQuoteIsStillRefused() {
        // A plain scalar may contain a double quote (a 12" ruler). The nesting that follows must
        // still be refused as too deep, without crashing the parser.
        let text = "name: a 12\" ruler\nasOf: 2026-11-20\nprices: "
            + String(repeating: "[", count: 1000) + String(repeating: "]", count: 1000) + "\n"
        let error = readerRefusal(Data(text.utf8))
        guard case .tooLarge? = error else {
            Issue.record("expected .tooLarge, got \(String(describing: error))")
            return
        }
    }

    @Test(.timeLimit(.minutes(5)))  // catches a hang; one minute was too tight for a loaded two-core machine
    func billionLaughsIsRefusedAsTooLarge() {
        // a0 holds 10 values; each a(k) holds 10 aliases of a(k−1): a9 expands to 10⁹ values.
        var text = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
        for k in 1...9 {
            text += "a\(k): &a\(k) [" + Array(repeating: "*a\(k - 1)", count: 10).joined(separator: ", ") + "]\n"
        }
        let error = readerRefusal(Data(text.utf8))
        guard case .tooLarge(_, let reason)? = error else {
            Issue.record("expected .tooLarge, got \(String(describing: error))")
            return
        }
        #expect(reason.contains("alias") || reason.contains("values"))
    }

    @Test func smallAliasesAreExpanded() throws {
        // Aliases within the limit are ordinary YAML: a shared lot template merged into two lots.
        let text = """
            asOf: 2026-11-20
            prices: {VTI: 300}
            pie: {slices: [{symbol: VTI, weight: 100}]}
            accounts:
              - id: a
                type: taxable
                lots:
                  - &lot {symbol: VTI, shares: 1, costBasis: 200, acquired: 2020-01-01}
                  - *lot
            """
        let scenario = try readerParse(text)
        #expect(scenario.accounts[0].lots.count == 2)
        #expect(scenario.accounts[0].lots[1].costBasis == 200)
    }

    // MARK: Positive cases

    @Test func unquotedAndQuotedDates() throws {
        for (asOf, acquired) in [("2026-11-20", "2021-03-04"), ("\"2026-11-20\"", "'2021-03-04'"), ("'2026-11-20'", "\"2021-03-04\"")] {
            let scenario = try readerParse(
                readerYAML(
                    asOf: asOf,
                    accounts: "[{id: a, type: taxable, lots: [{symbol: VTI, shares: 1, costBasis: 1, acquired: \(acquired)}]}]"))
            #expect(scenario.asOf == Day(year: 2026, month: 11, day: 20))
            #expect(scenario.accounts[0].lots[0].acquired == Day(year: 2021, month: 3, day: 4))
        }
    }

    @Test func tickersThatLookLikeBooleansOrNumbers() throws {
        // YAML 1.2 core schema: ON, NO, Y stay strings; TRUE and true are booleans, but a symbol
        // field takes their text as written. Ids that look numeric keep their text: 007 stays "007".
        let text = """
            asOf: 2026-11-20
            prices: {ON: 80, NO: 10, Y: 5, TRUE: 20, true: 30}
            pie:
              slices:
                - {symbol: ON, weight: 20}
                - {symbol: NO, weight: 20}
                - {symbol: Y, weight: 20}
                - {symbol: TRUE, weight: 20}
                - {symbol: true, weight: 20}
            accounts:
              - id: 1234
                type: taxable
                cash: 100
                lots:
                  - {id: 007, symbol: ON, shares: 2, costBasis: 100, acquired: 2020-01-01}
                  - {id: 1.50, symbol: TRUE, shares: 1, costBasis: 10, acquired: 2020-01-01}
              - id: 1e3
                type: taxDeferred
                lots: [{symbol: true, shares: 1, costBasis: 10, acquired: 2020-01-01}]
            """
        let scenario = try readerParse(text)
        #expect(scenario.accounts.map(\.id) == ["1234", "1e3"])
        #expect(scenario.accounts[0].lots.map(\.id) == ["007", "1.50"])
        #expect(scenario.accounts[0].lots.map(\.symbol) == ["ON", "TRUE"])
        #expect(scenario.accounts[1].lots[0].symbol == "true")
        #expect(scenario.prices == ["ON": 80, "NO": 10, "Y": 5, "TRUE": 20, "true": 30])
        let household = Household(scenario)
        #expect(household.symbols == ["NO", "ON", "TRUE", "Y", "true"])
        // Each of the five leaves targets 20/100 = 0.2.
        for weight in household.groups[0].targets.values { #expect(readerClose(weight, 0.2)) }
    }

    @Test func jsonNumericIdKeepsItsText() throws {
        // `"id": 1234` in JSON, like `id: 1234` in YAML, names the account "1234".
        let json = """
            {"asOf": "2026-11-20", "prices": {"VTI": 300},
             "pie": {"slices": [{"symbol": "VTI", "weight": 100}]},
             "accounts": [{"id": 1234, "type": "taxable", "cash": 100,
               "lots": [{"id": 42, "symbol": "VTI", "shares": 1, "costBasis": 1, "acquired": "2020-01-01"}]}]}
            """
        let scenario = try readerParse(json, .json)
        #expect(scenario.accounts[0].id == "1234")
        #expect(scenario.accounts[0].lots[0].id == "42")
    }

    @Test func jsonErrorsQuoteNumbersAsWritten() {
        // docs/scenario-format.md's message shape, `must be > 0, got -2`, holds for JSON input too.
        let json = """
            {"asOf": "2026-11-20", "prices": {"VTI": 300},
             "pie": {"slices": [{"symbol": "VTI", "weight": 100}]},
             "accounts": [{"id": "a", "type": "taxable",
               "lots": [{"symbol": "VTI", "shares": -2, "costBasis": 1, "acquired": "2020-01-01"}]}]}
            """
        let found = readerIssues(json, .json)
        #expect(found.map(\.description) == ["accounts[0].lots[0].shares: must be > 0, got -2"])
    }

    @Test func jsonValidationReportsPaths() {
        let json = """
            {"asOf": "2026-11-20", "prices": {"VTI": 300, "BND": 0},
             "pie": {"slices": [{"symbol": "VTI", "weight": 60}, {"symbol": "BND", "weight": 30}]},
             "accounts": [{"id": "a", "type": "taxable", "cash": 1, "extra": true}]}
            """
        let found = readerIssues(json, .json)
        expectReaderIssue(found, "prices.BND", "must be > 0")
        expectReaderIssue(found, "pie.slices", "weights must sum to 100, got 90")
        expectReaderIssue(found, "accounts[0].extra", "unknown key")
    }

    @Test func jsonEquivalentOfYAMLGivesTheSameHousehold() throws {
        let yamlText = """
            name: Pair
            asOf: 2026-11-20
            tax: {shortTermRate: 0.32, longTermRate: 0.15, carryforwardLoss: {shortTerm: 100, longTerm: 0}}
            prices: {VTI: 300.00, VXUS: 62.50, BND: 72.10, BNDX: 49.00}
            pie:
              name: Core
              slices:
                - {symbol: VTI, weight: 60}
                - name: Bonds
                  weight: 40
                  slices:
                    - {symbol: BND, weight: 70}
                    - {symbol: BNDX, weight: 30}
            accounts:
              - id: brokerage
                type: taxable
                cash: 1200.00
                flow: 5000
                minCash: 100
                lots:
                  - {symbol: VTI, shares: 10, costBasis: 2500.00, acquired: 2021-03-04}
                  - {id: "T-0042", symbol: VTI, shares: 4, costBasis: 1320.00, acquired: 2026-10-30}
              - id: roth
                type: taxExempt
                pie: {name: Growth, slices: [{symbol: VXUS, weight: 100}]}
                cash: 50
                lots: [{symbol: VXUS, shares: 8, costBasis: 480, acquired: 2025-11-20}]
            strategies: [cash-only, "band:5", "tax-aware:0.10", full]
            """
        let jsonText = """
            {"name": "Pair", "asOf": "2026-11-20",
             "tax": {"shortTermRate": 0.32, "longTermRate": 0.15, "carryforwardLoss": {"shortTerm": 100, "longTerm": 0}},
             "prices": {"VTI": 300.00, "VXUS": 62.50, "BND": 72.10, "BNDX": 49.00},
             "pie": {"name": "Core", "slices": [
                {"symbol": "VTI", "weight": 60},
                {"name": "Bonds", "weight": 40, "slices": [{"symbol": "BND", "weight": 70}, {"symbol": "BNDX", "weight": 30}]}]},
             "accounts": [
                {"id": "brokerage", "type": "taxable", "cash": 1200.00, "flow": 5000, "minCash": 100, "lots": [
                   {"symbol": "VTI", "shares": 10, "costBasis": 2500.00, "acquired": "2021-03-04"},
                   {"id": "T-0042", "symbol": "VTI", "shares": 4, "costBasis": 1320.00, "acquired": "2026-10-30"}]},
                {"id": "roth", "type": "taxExempt", "pie": {"name": "Growth", "slices": [{"symbol": "VXUS", "weight": 100}]},
                 "cash": 50, "lots": [{"symbol": "VXUS", "shares": 8, "costBasis": 480, "acquired": "2025-11-20"}]}],
             "strategies": ["cash-only", "band:5", "tax-aware:0.10", "full"]}
            """
        let a = Household(try readerParse(yamlText))
        let b = Household(try readerParse(jsonText, .json))
        #expect(a.scenario.name == b.scenario.name)
        #expect(a.scenario.asOf == b.scenario.asOf)
        #expect(a.scenario.tax == b.scenario.tax)
        #expect(a.scenario.strategies == b.scenario.strategies)
        #expect(a.symbols == b.symbols)
        #expect(a.prices == b.prices)
        #expect(a.groups.count == b.groups.count)
        for (g, h) in zip(a.groups, b.groups) {
            #expect(g.name == h.name)
            #expect(g.path == h.path)
            #expect(g.accounts == h.accounts)
            #expect(g.targets == h.targets)
            #expect(g.value == h.value)
            #expect(g.investable == h.investable)
        }
        #expect(a.lots.count == b.lots.count)
        for (l, m) in zip(a.lots, b.lots) {
            #expect(l.gainPerShare == m.gainPerShare)
            #expect(l.rate == m.rate)
            #expect(l.isLongTerm == m.isLongTerm)
            #expect(l.isLookBack == m.isLookBack)
        }
        #expect(a.scenario.accounts.map { $0.lots.map(\.id) } == b.scenario.accounts.map { $0.lots.map(\.id) })
        // And the figures themselves, by hand:
        // household V = 1200 + 5000 + 10·300 + 4·300 = 10,400; I = 10,400 − 100 = 10,300.
        #expect(readerClose(a.groups[0].investable, 10_300))
        // roth V = 50 + 8·62.50 = 550.
        #expect(readerClose(a.groups[1].value, 550))
    }

    @Test func scenariosDirectoryIsNotEmpty() {
        #expect(bundledScenarios.count >= 2, "found \(bundledScenarios) in \(scenariosDirectory.path)")
    }

    @Test(arguments: bundledScenarios)
    func shippedScenarioLoads(file: String) throws {
        let path = scenariosDirectory.appendingPathComponent(file).path
        let scenario: Scenario
        do throws(ScenarioError) {
            scenario = try ScenarioLoader.load(path: path)
        } catch {
            Issue.record("\(error.lines.joined(separator: "\n"))")
            return
        }
        let household = Household(scenario)
        #expect(!household.groups.isEmpty)
        for group in household.groups { #expect(group.investable > 0) }
    }
}

// MARK: - Strategy names

extension ScenarioReaderTests {
@Suite("Strategy parsing")
struct StrategyParsing {
    @Test(
        arguments: [
            ("cash-only", Strategy.Kind.cashOnly),
            ("full", .full),
            ("tax-budget:500", .taxBudget(500)),
            ("tax-budget:0", .taxBudget(0)),
            ("tax-aware", .taxAware(kappa: 0.10)),
            ("tax-aware:0.25", .taxAware(kappa: 0.25)),
            ("tax-aware:0", .taxAware(kappa: 0)),
            ("band", .band(points: 5)),
            ("band:3", .band(points: 3)),
            ("band:0", .band(points: 0)),
            ("fifo", .fifo),
            ("m1", .m1),
        ])
    func validForms(text: String, kind: Strategy.Kind) throws {
        let strategy = try Strategy(parsing: text)
        #expect(strategy.kind == kind)
        // The name echoes what was asked for.
        #expect(strategy.name == text)
        #expect(strategy.description == text)
    }

    @Test func surroundingSpacesAreTrimmed() throws {
        let strategy = try Strategy(parsing: "  band:3 ")
        #expect(strategy.kind == .band(points: 3))
        #expect(strategy.name == "band:3")
    }

    @Test func baselines() throws {
        #expect(try Strategy(parsing: "fifo").isBaseline)
        #expect(try Strategy(parsing: "m1").isBaseline)
        #expect(try !Strategy(parsing: "full").isBaseline)
        #expect(try !Strategy(parsing: "tax-aware").isBaseline)
    }

    @Test func defaults() {
        // docs/strategies.md: κ defaults to 0.10 and β to 5.
        #expect(Strategy.defaultForPlan.kind == .taxAware(kappa: 0.10))
        #expect(Strategy.defaultForCompare.map(\.name) == ["cash-only", "band:5", "tax-aware:0.10", "full"])
        #expect(Strategy.defaultForCompare.map(\.kind) == [.cashOnly, .band(points: 5), .taxAware(kappa: 0.10), .full])
    }

    @Test(arguments: ["bogus", "", "Full", "cash_only", "taxaware:0.1", "m2"])
    func unknownNames(text: String) {
        #expect(throws: StrategyError.unknown(text)) { try Strategy(parsing: text) }
    }

    @Test(
        arguments: [
            "tax-budget", "tax-budget:", "tax-budget:abc", "band:-1", "band:abc", "band:nan", "band:101",
            "tax-aware:abc", "tax-aware:-0.5", "tax-aware:inf", "full:3", "cash-only:1", "fifo:2", "m1:x",
        ])
    func badArguments(text: String) {
        let error = #expect(throws: StrategyError.self) { try Strategy(parsing: text) }
        guard case .badArgument(let strategy, _)? = error else {
            Issue.record("expected .badArgument, got \(String(describing: error))")
            return
        }
        #expect(strategy == text)
        #expect(error?.description.contains("strategy \"\(text)\"") == true)
    }

    @Test func errorMessages() {
        #expect(
            StrategyError.unknown("x").description
                == "unknown strategy \"x\"; expected cash-only, full, tax-budget:B, tax-aware[:κ], band[:β], fifo or m1")
        let error = #expect(throws: StrategyError.self) { try Strategy(parsing: "full:3") }
        #expect(error?.description.contains("takes no argument") == true)
        let budget = #expect(throws: StrategyError.self) { try Strategy(parsing: "tax-budget") }
        #expect(budget?.description.contains("tax-budget:500") == true)
    }
}
}
