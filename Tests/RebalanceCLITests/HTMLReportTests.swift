import Foundation
import Testing

@testable import RebalanceCLI
import Rebalancing
import RebalanceTestSupport

/// The HTML reports are one self-contained file each: well formed, nothing fetched from the
/// network, every strategy named and every piece of scenario text escaped.
@Suite struct HTMLReportTests {
    static let scenariosFolder = scenariosDirectory
    static let scenarioFiles = bundledScenarios

    @Test func scenariosAreBundled() {
        #expect(!Self.scenarioFiles.isEmpty, "no scenario found in \(Self.scenariosFolder.path)")
    }

    @Test(arguments: scenarioFiles)
    func comparePageIsSelfContained(file: String) throws {
        let path = Self.scenariosFolder.appendingPathComponent(file).path
        let scenario = try ScenarioLoader.load(path: path)
        let comparison = Comparison(
            Household(scenario), name: scenario.displayName(source: path),
            strategies: scenario.strategies ?? Strategy.defaultForCompare)
        let html = HTMLReport.compare(comparison)
        expectSelfContained(html)
        #expect(html.contains(HTMLReport.escape(comparison.name)))
        for report in comparison.reports {
            #expect(html.contains(HTMLReport.escape(report.strategy.name)), "\(report.strategy.name) is missing")
        }
        for symbol in comparison.household.symbols {
            #expect(html.contains(HTMLReport.escape(symbol)), "\(symbol) is missing")
        }
    }

    @Test(arguments: scenarioFiles)
    func frontierPageIsSelfContained(file: String) throws {
        let path = Self.scenariosFolder.appendingPathComponent(file).path
        let scenario = try ScenarioLoader.load(path: path)
        let frontier = Frontier(Household(scenario), name: scenario.displayName(source: path), points: 4)
        let html = HTMLReport.frontier(frontier)
        expectSelfContained(html)
        #expect(html.contains(HTMLReport.escape(frontier.name)))
        for point in frontier.points {
            #expect(html.contains(Money.format(point.taxBudget)))
        }
    }

    @Test func compareWithFrontierHasBothParts() throws {
        let path = Self.scenariosFolder.appendingPathComponent("three-fund.yaml").path
        let household = Household(try ScenarioLoader.load(path: path))
        let comparison = Comparison(household, name: "Three", strategies: Strategy.defaultForCompare)
        let html = HTMLReport.compare(comparison, frontier: Frontier(household, name: "Three", points: 3))
        expectSelfContained(html)
        #expect(html.contains("Strategies compared"))
        #expect(html.contains("Tax against drift"))
    }

    /// A table wider than a phone (or than 1280px) must not be cut off unseen: every table on the
    /// page (allocation, trades, strategies, frontier) sits directly in a box that scrolls sideways.
    @Test func everyTableScrollsSideways() throws {
        let path = Self.scenariosFolder.appendingPathComponent("three-fund.yaml").path
        let household = Household(try ScenarioLoader.load(path: path))
        let comparison = Comparison(household, name: "Three", strategies: Strategy.defaultForCompare)
        let html = HTMLReport.compare(comparison, frontier: Frontier(household, name: "Three", points: 3))
        let tables = html.components(separatedBy: "<table").count - 1
        #expect(tables >= 4)
        #expect(html.components(separatedBy: "<div class=\"scroll\"><table").count - 1 == tables)
        #expect(HTMLReport.styleSheet.contains(".scroll { overflow-x: auto;"))
    }

    @Test func scenarioTextIsEscaped() throws {
        let yaml = """
            name: "<b>&\\"'"
            asOf: 2026-11-20
            prices: {VTI: 300, BND: 72.10}
            pie:
              name: "Core <i>"
              slices:
                - {symbol: VTI, weight: 60}
                - {symbol: BND, weight: 40}
            accounts:
              - id: "a&b"
                type: taxable
                cash: 1000
                lots:
                  - {symbol: VTI, shares: 10, costBasis: 2000, acquired: 2020-01-02}
            """
        let scenario = try ScenarioLoader.parse(Data(yaml.utf8), format: .yaml, source: "escape.yaml")
        let household = Household(scenario)
        let name = try #require(scenario.name)
        #expect(name == "<b>&\"'")
        let comparison = Comparison(household, name: name, strategies: Strategy.defaultForCompare)
        let pages = [
            HTMLReport.compare(comparison),
            HTMLReport.frontier(Frontier(household, name: name, points: 3)),
        ]
        for html in pages {
            expectSelfContained(html)
            #expect(html.contains("&lt;b&gt;&amp;&quot;&#39;"))
            #expect(!html.contains("<b>"))
            #expect(!html.contains("\"'"))
        }
        #expect(pages[0].contains("Core &lt;i&gt;"))
        #expect(!pages[0].contains("<i>"))
        #expect(pages[0].contains("a&amp;b"))
        #expect(!pages[0].contains("a&b"))
    }

    @Test func escapeCoversTheFiveCharacters() {
        #expect(HTMLReport.escape(#"a<b>&"c'"#) == "a&lt;b&gt;&amp;&quot;c&#39;")
        #expect(HTMLReport.escape("plain") == "plain")
    }

    @Test func axisTicksAreRound() {
        let axis = HTMLReport.Axis(values: [0, 47_057.44])
        #expect(axis.low == 0)
        #expect(axis.high == 50_000)
        #expect(axis.step == 10_000)
        let flat = HTMLReport.Axis(values: [0, 0])
        #expect(flat.high > flat.low)
    }

    // MARK: Nested donuts

    /// m1-nested-deposit.yaml: Core > US 60 (Large Cap 70: VOO 60, QQQ 40; Small Cap 30: VB 70,
    /// AVUV 30), International 25 (VEA 70, IEMG 30), Bonds 15 (BND 60, TIP 40). The target donut
    /// has one ring per level, three here, and every slice's share is the sum of its leaves'
    /// products of weights along the path (US: .6·.7·.6 + .6·.7·.4 + .6·.3·.7 + .6·.3·.3 = 60%;
    /// Large Cap 42%; VOO 25.2%), of I = lots at price + cash + deposit − minCash.
    @Test func nestedPieHasOneRingPerLevel() throws {
        let path = Self.scenariosFolder.appendingPathComponent("m1-nested-deposit.yaml").path
        let scenario = try ScenarioLoader.load(path: path)
        let pie = try #require(scenario.pie)
        let account = try #require(scenario.accounts.first)
        var heldBySymbol: [String: Double] = [:]
        for lot in account.lots { heldBySymbol[lot.symbol, default: 0] += lot.shares * scenario.prices[lot.symbol]! }
        let investable = heldBySymbol.values.reduce(0, +) + account.cash + account.flow - account.minCash

        // Every slice of the pie, by level: its label, its target fraction summed from its leaves,
        // and the dollars its leaves hold now.
        var expected: [(level: Int, label: String, fraction: Double, held: Double)] = []
        func walk(_ pie: Pie, level: Int, factor: Double) -> (fraction: Double, held: Double) {
            var total = (fraction: 0.0, held: 0.0)
            for slice in pie.slices {
                let f = factor * slice.weight / 100
                let entry: (label: String, fraction: Double, held: Double)
                switch slice.content {
                case .symbol(let symbol): entry = (symbol, f, heldBySymbol[symbol] ?? 0)
                case .pie(let inner):
                    let index = expected.count
                    expected.append((level, "", 0, 0))  // its place, before its children
                    let sums = walk(inner, level: level + 1, factor: f)
                    expected[index] = (level, inner.name ?? "", sums.fraction, sums.held)
                    total.fraction += sums.fraction
                    total.held += sums.held
                    continue
                }
                expected.append((level, entry.label, entry.fraction, entry.held))
                total.fraction += entry.fraction
                total.held += entry.held
            }
            return total
        }
        _ = walk(pie, level: 1, factor: 1)
        let depth = expected.map(\.level).max()
        #expect(depth == 3)
        #expect(expected.count == 13)  // 3 slices at level 1, 6 at level 2, 4 at level 3
        #expect(abs(expected.filter { $0.level == 1 }.reduce(0) { $0 + $1.fraction } - 1) < 1e-12)
        #expect(abs(expected.first { $0.label == "US" }!.fraction - 0.60) < 1e-12)
        #expect(abs(expected.first { $0.label == "Large Cap" }!.fraction - 0.42) < 1e-12)

        let household = Household(scenario)
        let comparison = Comparison(household, name: "M1", strategies: [Strategy(name: "full", kind: .full)])
        let html = HTMLReport.compare(comparison)
        let target = try #require(Self.svg(html, titled: "Target"))
        let before = try #require(Self.svg(html, titled: "Before"))
        #expect(Self.svg(html, titled: "After") != nil)

        let targetSegments = Self.segments(target)
        #expect(Set(targetSegments.map(\.level)) == Set(1...3))
        #expect(targetSegments.count == expected.count)
        for slice in expected {
            let text = "\(slice.label): \(Money.format(slice.fraction * investable)) "
                + "(\(Money.percent(slice.fraction, places: 1)))"
            #expect(
                targetSegments.contains { $0.level == slice.level && $0.title == HTMLReport.escape(text) },
                "no level-\(slice.level) target segment \(text)")
        }
        // Before: the held dollars of each slice (all of them positive here, and so is the cash
        // above the reserve, $120 + $5,000 − $50: the shares are of I).
        // Nothing is drawn for a slice holding nothing (TIP).
        let beforeSegments = Self.segments(before)
        #expect(beforeSegments.count == expected.filter { $0.held > 0 }.count + 1)
        #expect(!beforeSegments.contains { $0.title.hasPrefix("TIP:") })
        for slice in expected where slice.held > 0 {
            let text = "\(slice.label): \(Money.format(slice.held)) (\(Money.percent(slice.held / investable, places: 1)))"
            #expect(
                beforeSegments.contains { $0.level == slice.level && $0.title == HTMLReport.escape(text) },
                "no level-\(slice.level) before segment \(text)")
        }
        #expect(beforeSegments.contains { $0.level == 1 && $0.title.hasPrefix("Cash: $5,070.00 ") })
        // The table lists the five sub-pies as their own rows.
        #expect(html.components(separatedBy: "<tr class=\"subpie\">").count - 1 == 5)
    }

    /// A flat pie is one ring: every segment is level 1, one per symbol held or targeted and cash.
    @Test func flatPieIsOneRing() throws {
        let path = Self.scenariosFolder.appendingPathComponent("three-fund.yaml").path
        let scenario = try ScenarioLoader.load(path: path)
        let comparison = Comparison(
            Household(scenario), name: "Three", strategies: [Strategy(name: "full", kind: .full)])
        let html = HTMLReport.compare(comparison)
        let target = Self.segments(try #require(Self.svg(html, titled: "Target")))
        let pie = try #require(scenario.pie)
        #expect(target.count == pie.slices.count)
        #expect(target.allSatisfy { $0.level == 1 })
        #expect(!html.contains("class=\"subpie\""))
    }

    /// harvest-into-alternate.yaml: VTI 60, VXUS 30 with IXUS as its alternate, BND 10, one
    /// taxable account: I = 200·$300 + 500·$60 + 125·$80 = $60,000 + $30,000 + $10,000 = $100,000,
    /// on target. The VXUS slice is its class: the before and after donuts split it, one ring
    /// further out, into VXUS and IXUS; the target donut does not (a member has no target of its
    /// own). After `full`, each member holds its value before plus its buys minus its sells, and
    /// the slice stays at its $30,000 target (it swaps the loss lot into IXUS).
    @Test func classesShowTheirMembers() throws {
        let path = Self.scenariosFolder.appendingPathComponent("harvest-into-alternate.yaml").path
        let scenario = try ScenarioLoader.load(path: path)
        let comparison = Comparison(
            Household(scenario), name: "Harvest", strategies: [Strategy(name: "full", kind: .full)])
        let html = HTMLReport.compare(comparison)
        let investable = 100_000.0

        let target = Self.segments(try #require(Self.svg(html, titled: "Target")))
        #expect(target.count == 3 && target.allSatisfy { $0.level == 1 })
        #expect(target.contains { $0.title == "VXUS slice: $30,000.00 (30.0%)" })

        let before = Self.segments(try #require(Self.svg(html, titled: "Before")))
        #expect(Set(before.map(\.level)) == [1, 2])
        #expect(before.contains { $0.level == 1 && $0.title == "VXUS slice: $30,000.00 (30.0%)" })
        #expect(before.contains { $0.level == 2 && $0.title == "VXUS: $30,000.00 (30.0%)" })
        #expect(!before.contains { $0.title.hasPrefix("IXUS") })  // none held yet

        let report = try #require(comparison.reports.first)
        var after = ["VXUS": 500 * 60.0, "IXUS": 0.0]
        for trade in report.trades where after[trade.symbol] != nil {
            after[trade.symbol]! += trade.action == .buy ? trade.amount : -trade.amount
        }
        #expect(after["IXUS"]! > 0)
        #expect(abs(after["VXUS"]! + after["IXUS"]! - 30_000) < 0.01)
        let afterSegments = Self.segments(try #require(Self.svg(html, titled: "After")))
        for symbol in ["VXUS", "IXUS"] {
            let text = "\(symbol): \(Money.format(after[symbol]!)) (\(Money.percent(after[symbol]! / investable, places: 1)))"
            #expect(afterSegments.contains { $0.level == 2 && $0.title == text }, "no after segment \(text)")
        }
        #expect(afterSegments.contains { $0.level == 1 && $0.title == "VXUS slice: $30,000.00 (30.0%)" })
        // The table: the slice's row, then one row per member under it.
        #expect(html.contains("VXUS slice"))
        #expect(html.components(separatedBy: "<tr class=\"member\">").count - 1 == 2)
        #expect(html.components(separatedBy: "<tr class=\"class\">").count - 1 == 1)
    }

    /// The text formats list the same classes: the plan table after the plan (VXUS keeps its
    /// 200 long-term shares, $12,000, IXUS gets the $18,000 of the 300 sold), the compare table
    /// and Markdown as they are now (VXUS 500 × $60 = $30,000, IXUS nothing), each with how far
    /// the slice is off its $30,000 target (0: the household is on target before and after).
    @Test func classesInTheTextFormats() throws {
        let path = Self.scenariosFolder.appendingPathComponent("harvest-into-alternate.yaml").path
        let household = Household(try ScenarioLoader.load(path: path))
        let report = try RebalanceTestSupport.report(household, "full")
        var ixus = 0.0, vxusSold = 0.0
        for trade in report.trades {
            if trade.symbol == "IXUS" && trade.action == .buy { ixus += trade.amount }
            if trade.symbol == "VXUS" && trade.action == .sell { vxusSold += trade.amount }
        }
        #expect(Money.format(vxusSold) == "$18,000.00")  // the 300-share loss lot at $60
        let table = TableRenderer.plan(report, household: household)
        #expect(
            table.contains(
                "  VXUS slice: VXUS \(Money.format(30_000 - vxusSold)), IXUS \(Money.format(ixus)); "
                    + "target $30,000.00, off target 0.00% → 0.00%"))
        let comparison = Comparison(household, name: "Harvest", strategies: [Strategy(name: "full", kind: .full)])
        let now = "VXUS slice: VXUS $30,000.00, IXUS $0.00; target $30,000.00, off target 0.00%"
        #expect(CompareRenderer.table(comparison).contains("\n  " + now + "\n"))
        #expect(CompareRenderer.markdown(comparison).contains("\n- " + now + "\n"))

        // Without alternates there is no class to list.
        let plain = Household(try ScenarioLoader.load(path: Self.scenariosFolder.appendingPathComponent("three-fund.yaml").path))
        #expect(ClassLines.lines(plain, plan: nil).isEmpty)
    }

    /// Every bundled scenario: a sub-pie holds the sum of its slices, the top level's targets add
    /// up to I_G, a leaf holds what the group's lots of its symbol are worth, and the drifts of
    /// each group is worked out from its lots.
    @Test(arguments: scenarioFiles)
    func allocationAddsUp(file: String) throws {
        let scenario = try ScenarioLoader.load(path: Self.scenariosFolder.appendingPathComponent(file).path)
        let household = Household(scenario)
        let allocations = PlanMeasures(household).allocations(sharesSold: nil, purchases: [])
        #expect(allocations.count == household.groups.count)
        for allocation in allocations {
            let group = allocation.group
            let top = allocation.nodes.reduce(0) { $0 + $1.target }
            #expect(abs(top - group.investable) < 1e-6 * max(1, group.investable))
            var value: [String: Double] = [:]
            for a in group.accounts {
                for lot in scenario.accounts[a].lots {
                    value[lot.symbol, default: 0] += lot.shares * scenario.prices[lot.symbol]!
                }
            }
            func check(_ node: GroupAllocation.Node) {
                switch node.kind {
                case .pie:
                    let sum = node.children.reduce(0) { $0 + $1.held }
                    #expect(abs(node.held - sum) < 1e-9 * max(1, sum))
                    node.children.forEach(check)
                case .symbol(let s), .untargeted(let s):
                    // A class holds what all its members hold.
                    let members = group.classOf(s)?.members ?? [s]
                    let sum = members.reduce(0) { $0 + (value[household.symbols[$1]] ?? 0) }
                    #expect(abs(node.held - sum) < 1e-6)
                    #expect(node.children.isEmpty == (members.count == 1))
                    node.children.forEach(check)
                case .member(let s):
                    #expect(abs(node.held - (value[household.symbols[s]] ?? 0)) < 1e-6)
                case .cash:
                    let cash = group.accounts.reduce(0) {
                        $0 + scenario.accounts[$1].cash + scenario.accounts[$1].flow - scenario.accounts[$1].minCash
                    }
                    #expect(abs(node.held - cash) < 1e-6)
                }
            }
            allocation.nodes.forEach(check)
        }
        // D_G = ½(Σ_s |held − w·I_G| + Σ_a |cash + flow − minCash|), worked out here from the scenario.
        for allocation in allocations {
            let group = allocation.group
            var held: [Int: Double] = [:]
            var sum = 0.0
            for a in group.accounts {
                let account = scenario.accounts[a]
                for lot in account.lots {
                    let s = household.symbols.firstIndex(of: lot.symbol)!
                    held[group.classOf(s)?.symbol ?? s, default: 0] += lot.shares * scenario.prices[lot.symbol]!
                }
                sum += abs(account.cash + account.flow - account.minCash)
            }
            for s in Set(held.keys).union(group.targets.keys) {
                sum += abs((held[s] ?? 0) - (group.targets[s] ?? 0) * group.investable)
            }
            #expect(abs(allocation.misallocated - sum / 2) < 1e-6)
            #expect(abs(allocation.drift - sum / 2 / group.investable) < 1e-9)
        }
    }

    /// The `<svg>` of the donut titled `title`.
    static func svg(_ html: String, titled title: String) -> String? {
        html.components(separatedBy: "<svg").dropFirst().first { $0.contains("aria-label=\"\(title): ") }
    }

    /// The ring segments of a donut: the level of each and its tooltip.
    static func segments(_ svg: String) -> [(level: Int, title: String)] {
        svg.components(separatedBy: "<path ").dropFirst().compactMap { part in
            guard let range = part.range(of: "class=\"level-"),
                let level = Int(part[range.upperBound...].prefix { $0.isNumber }),
                let start = part.range(of: "<title>"), let end = part.range(of: "</title>")
            else { return nil }
            return (level, String(part[start.upperBound..<end.lowerBound]))
        }
    }

    /// The page is one document needing nothing else: no external URL (but the SVG namespace),
    /// no script or style sheet loaded from elsewhere, and at least one inline chart.
    func expectSelfContained(_ html: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(html.hasPrefix("<!doctype html>"), sourceLocation: sourceLocation)
        #expect(html.contains("<svg"), sourceLocation: sourceLocation)
        let lower = html.lowercased()
        // (Not `replacingOccurrences`: RebalanceCLI declares its own, for one-character targets only.)
        let withoutNamespace = lower.components(separatedBy: "http://www.w3.org/2000/svg").joined()
        #expect(!withoutNamespace.contains("http://"), sourceLocation: sourceLocation)
        #expect(!withoutNamespace.contains("https://"), sourceLocation: sourceLocation)
        for forbidden in ["<script src", "<link", "@import", "url("] {
            #expect(!lower.contains(forbidden), "found \(forbidden)", sourceLocation: sourceLocation)
        }
        #expect(lower.hasSuffix("</html>\n"), sourceLocation: sourceLocation)
    }
}
