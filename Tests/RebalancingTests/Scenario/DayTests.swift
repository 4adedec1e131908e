import Foundation
import Testing

@testable import Rebalancing

// Tests of docs/strategies.md's dates: Day itself, the long-term rule and the 30-day wash-sale look-back,
// the latter two through Households built from small YAML scenarios.

/// A Household from a small scenario: prices and pie cover VXUS and BND; `accounts` in flow style.
private func dayHousehold(
    asOf: String, accounts: String, prices: String = "{VXUS: 60, BND: 70}", tax: String? = nil
) throws -> Household {
    var text = "asOf: \(asOf)\nprices: \(prices)\n"
    if let tax { text += "tax: \(tax)\n" }
    text += "pie: {slices: [{symbol: VXUS, weight: 50}, {symbol: BND, weight: 50}]}\n"
    text += "accounts: \(accounts)\n"
    return Household(try ScenarioLoader.parse(Data(text.utf8), format: .yaml, source: "day.yaml"))
}

/// One taxable account holding the given lots (flow-style lot mappings).
private func dayTaxable(_ lots: [String], cash: Int = 100) -> String {
    "[{id: brokerage, type: taxable, cash: \(cash), lots: [\(lots.joined(separator: ", "))]}]"
}

private func parseDay(_ text: String) throws -> Day { try #require(Day(text)) }

@Suite("Days and holding periods")
struct DayTests {

    // MARK: Parsing

    @Test func parsesTheFields() throws {
        let d = try parseDay("2026-11-20")
        #expect(d.year == 2026)
        #expect(d.month == 11)
        #expect(d.day == 20)
        #expect(d.description == "2026-11-20")
        #expect(Day(year: 5, month: 1, day: 2)?.description == "0005-01-02")
    }

    @Test(
        arguments: [
            "2026-02-30", "2026-13-01", "2026-00-01", "2026-01-00", "2026-04-31", "2025-02-29", "1900-02-29",
            "yesterday", "", "2026-1-01", "26-01-01", "2026/01/01", "2026-01-01T00:00", " 2026-01-01", "2026-01-01 ",
            "+026-01-01", "2026--1-01", "0000-01-01", "２０２６-01-01", "2026-01-1a",
        ])
    func rejectsInvalidText(text: String) {
        #expect(Day(text) == nil)
    }

    @Test func leapDays() {
        // 2024 and 2000 are leap years (÷4; ÷400); 1900 and 2100 are not (÷100 but not ÷400).
        #expect(Day("2024-02-29") != nil)
        #expect(Day("2000-02-29") != nil)
        #expect(Day("1900-02-29") == nil)
        #expect(Day("2100-02-29") == nil)
        #expect(Day.isLeap(2024) && Day.isLeap(2000))
        #expect(!Day.isLeap(1900) && !Day.isLeap(2023) && !Day.isLeap(2100))
        #expect(Day.daysIn(month: 2, year: 2024) == 29)
        #expect(Day.daysIn(month: 2, year: 2026) == 28)
        #expect(Day.daysIn(month: 4, year: 2026) == 30)
        #expect(Day.daysIn(month: 12, year: 2026) == 31)
    }

    @Test func ordering() throws {
        #expect(try parseDay("2025-12-31") < parseDay("2026-01-01"))
        #expect(try parseDay("2026-01-31") < parseDay("2026-02-01"))
        #expect(try parseDay("2026-02-01") < parseDay("2026-02-02"))
        #expect(try !(parseDay("2026-02-02") < parseDay("2026-02-02")))
        #expect(try parseDay("2026-02-02") == parseDay("2026-02-02"))
    }

    // MARK: Day counting

    @Test func ordinalOfKnownDays() throws {
        #expect(try parseDay("1970-01-01").ordinal == 0)
        #expect(try parseDay("1970-01-02").ordinal == 1)
        #expect(try parseDay("1969-12-31").ordinal == -1)
        // 1970…1999 is 30 years with 7 leap days (72, 76, 80, 84, 88, 92, 96): 30·365 + 7 = 10,957.
        #expect(try parseDay("2000-01-01").ordinal == 10_957)
    }

    @Test func daysAcrossYears() throws {
        // 2024 is a leap year: 366 days; 2025: 365.
        #expect(try parseDay("2024-01-01").days(to: parseDay("2025-01-01")) == 366)
        #expect(try parseDay("2025-01-01").days(to: parseDay("2026-01-01")) == 365)
        // 2023-12-31 → 2024-03-01: 1 (to Jan 1) + 31 (January) + 29 (February) = 61.
        #expect(try parseDay("2023-12-31").days(to: parseDay("2024-03-01")) == 61)
        // The same span a year later has no 29 February: 1 + 31 + 28 = 60.
        #expect(try parseDay("2024-12-31").days(to: parseDay("2025-03-01")) == 60)
        // Four years 2021-03-04 → 2025-03-04 include one 29 February (2024): 4·365 + 1 = 1,461.
        #expect(try parseDay("2021-03-04").days(to: parseDay("2025-03-04")) == 1461)
        // A century without the 400 rule: 1900-01-01 → 2000-01-01 has 24 leap days: 100·365 + 24.
        #expect(try parseDay("1900-01-01").days(to: parseDay("2000-01-01")) == 36_524)
        // Backwards is negative; to itself is zero.
        #expect(try parseDay("2025-01-01").days(to: parseDay("2024-01-01")) == -366)
        #expect(try parseDay("2026-11-20").days(to: parseDay("2026-11-20")) == 0)
        // 2026-10-21 → 2026-11-20: 10 days to October 31, then 20 into November = 30.
        #expect(try parseDay("2026-10-21").days(to: parseDay("2026-11-20")) == 30)
    }

    @Test func oneYearLater() throws {
        #expect(try parseDay("2023-03-04").oneYearLater == parseDay("2024-03-04"))
        #expect(try parseDay("2024-02-29").oneYearLater == parseDay("2025-02-28"))
        #expect(try parseDay("2023-02-28").oneYearLater == parseDay("2024-02-28"))
        #expect(try parseDay("2025-12-31").oneYearLater == parseDay("2026-12-31"))
    }

    // MARK: Long-term (docs/strategies.md: later than the same month and day one year after acquired)

    @Test func exactlyOneYearIsShortTermAndOneDayMoreIsLongTerm() throws {
        // asOf 2025-03-04. Acquired 2024-03-04: one year later is 2025-03-04, not earlier than asOf → short.
        // Acquired 2024-03-03: one year later is 2025-03-03 < asOf → long.
        // Acquired 2024-03-05: one year later is 2025-03-05 > asOf → short.
        let h = try dayHousehold(
            asOf: "2025-03-04",
            accounts: dayTaxable([
                "{symbol: VXUS, shares: 1, costBasis: 50, acquired: 2024-03-04}",
                "{symbol: VXUS, shares: 1, costBasis: 50, acquired: 2024-03-03}",
                "{symbol: VXUS, shares: 1, costBasis: 50, acquired: 2024-03-05}",
                "{symbol: VXUS, shares: 1, costBasis: 50, acquired: 2020-01-01}",
            ]))
        #expect(h.lots.map(\.isLongTerm) == [false, true, false, true])
        // Gains (60 − 50 > 0), taxable: short-term 0.35, long-term 0.15 (the defaults).
        #expect(h.lots.map(\.rate) == [0.35, 0.15, 0.35, 0.15])
    }

    @Test func leapDayAcquisitionUses28February() throws {
        // Acquired 2024-02-29: "one year later" is 2025-02-28.
        let lot = "{symbol: VXUS, shares: 1, costBasis: 50, acquired: 2024-02-29}"
        // On 2025-02-28 (not later than 2025-02-28): short-term.
        let onThe28th = try dayHousehold(asOf: "2025-02-28", accounts: dayTaxable([lot]))
        #expect(onThe28th.lots[0].isLongTerm == false)
        // On 2025-03-01 (later): long-term.
        let onThe1st = try dayHousehold(asOf: "2025-03-01", accounts: dayTaxable([lot]))
        #expect(onThe1st.lots[0].isLongTerm == true)
        #expect(onThe1st.lots[0].rate == 0.15)
    }

    @Test func yearThatEndsOnALeapDay() throws {
        // Acquired 2023-02-28; one year later 2024-02-28. On 2024-02-28 short, on 2024-02-29 long.
        // Acquired 2023-03-01; one year later 2024-03-01: still short on 2024-02-29.
        let lots = [
            "{symbol: VXUS, shares: 1, costBasis: 50, acquired: 2023-02-28}",
            "{symbol: VXUS, shares: 1, costBasis: 50, acquired: 2023-03-01}",
        ]
        let before = try dayHousehold(asOf: "2024-02-28", accounts: dayTaxable(lots))
        #expect(before.lots.map(\.isLongTerm) == [false, false])
        let leap = try dayHousehold(asOf: "2024-02-29", accounts: dayTaxable(lots))
        #expect(leap.lots.map(\.isLongTerm) == [true, false])
        let march = try dayHousehold(asOf: "2024-03-02", accounts: dayTaxable(lots))
        #expect(march.lots.map(\.isLongTerm) == [true, true])
    }

    @Test func termInNonTaxableAccountsHasRateZero() throws {
        let h = try dayHousehold(
            asOf: "2026-11-20",
            accounts:
                "[{id: ira, type: taxDeferred, cash: 10, lots: [{symbol: VXUS, shares: 1, costBasis: 50, acquired: 2026-06-01}, {symbol: VXUS, shares: 1, costBasis: 50, acquired: 2020-06-01}]}, {id: roth, type: taxExempt, lots: [{symbol: BND, shares: 1, costBasis: 50, acquired: 2026-06-01}]}]"
        )
        // The term is still computed; the rate is 0 outside taxable accounts.
        #expect(h.lots.map(\.isLongTerm) == [false, true, false])
        #expect(h.lots.map(\.rate) == [0, 0, 0])
        #expect(h.lots.map(\.isTaxable) == [false, false, false])
    }

    // MARK: The 30-day look-back

    /// asOf 2026-11-20; VXUS at 60. An old taxable VXUS loss lot (cost 80/share) beside one recent lot.
    private func lookBack(recentAcquired: String, recentCost: Int = 50, recentAccount: String = "taxable") throws
        -> Household
    {
        let old = "{symbol: VXUS, shares: 10, costBasis: 800, acquired: 2022-01-04}"
        let recent = "{symbol: VXUS, shares: 1, costBasis: \(recentCost), acquired: \(recentAcquired)}"
        if recentAccount == "taxable" {
            return try dayHousehold(asOf: "2026-11-20", accounts: dayTaxable([old, recent]))
        }
        return try dayHousehold(
            asOf: "2026-11-20",
            accounts:
                "[{id: brokerage, type: taxable, cash: 100, lots: [\(old)]}, {id: other, type: \(recentAccount), cash: 10, lots: [\(recent)]}]"
        )
    }

    @Test func lotExactly30DaysBeforeTriggersLookBack() throws {
        // 2026-10-21 is 30 days before 2026-11-20 (10 + 20): look-back applies.
        let h = try lookBack(recentAcquired: "2026-10-21")
        let old = h.lots[0]
        #expect(old.gainPerShare == -20)  // 60 − 800/10
        #expect(old.isLookBack)
        #expect(old.rate == 0)
        // The recent lot itself is a gain (60 − 50 = 10 > 0): never look-back, short-term 0.35.
        #expect(h.lots[1].isLookBack == false)
        #expect(h.lots[1].rate == 0.35)
    }

    @Test func lotExactly31DaysBeforeDoesNotTriggerLookBack() throws {
        // 2026-10-20 is 31 days before 2026-11-20.
        let h = try lookBack(recentAcquired: "2026-10-20")
        #expect(h.lots[0].isLookBack == false)
        // The old lot is long-term (2022-01-04 + 1 year < asOf): rate 0.15.
        #expect(h.lots[0].rate == 0.15)
    }

    @Test func lotBoughtOnAsOfTriggersLookBack() throws {
        let h = try lookBack(recentAcquired: "2026-11-20")
        #expect(h.lots[0].isLookBack)
        #expect(h.lots[0].rate == 0)
    }

    @Test(arguments: ["taxDeferred", "taxExempt"])
    func recentLotInANonTaxableAccountTriggersLookBack(type: String) throws {
        let h = try lookBack(recentAcquired: "2026-11-05", recentAccount: type)
        #expect(h.lots[0].isLookBack)
        #expect(h.lots[0].rate == 0)
        // The recent lot: not taxable, rate 0.
        #expect(h.lots[1].rate == 0)
    }

    @Test func aRecentLotAtALossIsNotItsOwnReplacement() throws {
        // The recent lot cost 70 at a price of 60: a taxable loss, bought ≤ 30 days ago. docs/strategies.md
        // counts only another lot as a replacement: the old loss lot is caught by the recent
        // one, the recent one by nothing (it keeps its short-term rate).
        let h = try lookBack(recentAcquired: "2026-11-10", recentCost: 70)
        #expect(h.lots[1].gainPerShare == -10)
        #expect(!h.lots[1].isLookBack)
        #expect(h.lots[1].rate == 0.35)
        #expect(h.lots[0].isLookBack)
    }

    @Test func twoRecentLossLotsCatchEachOther() throws {
        // Two lots of VXUS bought 5 and 10 days ago, both at a loss: each is the other's replacement.
        let h = try dayHousehold(
            asOf: "2026-11-20",
            accounts: dayTaxable([
                "{symbol: VXUS, shares: 1, costBasis: 70, acquired: 2026-11-10}",
                "{symbol: VXUS, shares: 1, costBasis: 65, acquired: 2026-11-15}",
            ]))
        #expect(h.lots.allSatisfy { $0.gainPerShare < 0 && $0.isLookBack && $0.rate == 0 })
    }

    @Test func gainLotsAreNeverLookBack() throws {
        // Old lot at a gain (cost 40/share at 60), recent buy 5 days ago.
        let h = try dayHousehold(
            asOf: "2026-11-20",
            accounts: dayTaxable([
                "{symbol: VXUS, shares: 10, costBasis: 400, acquired: 2022-01-04}",
                "{symbol: VXUS, shares: 10, costBasis: 600, acquired: 2022-01-04}",  // g = 0: not a loss
                "{symbol: VXUS, shares: 1, costBasis: 50, acquired: 2026-11-15}",
            ]))
        #expect(h.lots[0].gainPerShare == 20)
        #expect(h.lots[0].isLookBack == false)
        #expect(h.lots[0].rate == 0.15)
        #expect(h.lots[1].gainPerShare == 0)
        #expect(h.lots[1].isLookBack == false)
        #expect(h.lots[1].rate == 0.15)
    }

    @Test func recentBuyOfAnotherSymbolDoesNotTriggerLookBack() throws {
        let h = try dayHousehold(
            asOf: "2026-11-20",
            accounts: dayTaxable([
                "{symbol: VXUS, shares: 10, costBasis: 800, acquired: 2022-01-04}",
                "{symbol: BND, shares: 1, costBasis: 70, acquired: 2026-11-15}",
            ]))
        #expect(h.lots[0].isLookBack == false)
        #expect(h.lots[0].rate == 0.15)
    }

    @Test func lossLotsInTaxDeferredAccountsHaveRateZeroAnyway() throws {
        // With or without a recent buy, a loss in a taxDeferred account carries no tax.
        for recent in ["2026-11-15", "2025-01-01"] {
            let h = try dayHousehold(
                asOf: "2026-11-20",
                accounts:
                    "[{id: ira, type: taxDeferred, cash: 10, lots: [{symbol: VXUS, shares: 10, costBasis: 800, acquired: 2022-01-04}, {symbol: VXUS, shares: 1, costBasis: 50, acquired: \(recent)}]}]"
            )
            #expect(h.lots[0].gainPerShare == -20)
            #expect(h.lots[0].rate == 0)
            #expect(h.lots[0].isTaxable == false)
            #expect(h.lots[0].isGuardedLoss == false)
        }
    }

    @Test func lookBackReachesAcrossGroups() throws {
        // A recent VXUS buy in a Roth with its own pie still triggers look-back in the household group.
        let h = try dayHousehold(
            asOf: "2026-11-20",
            accounts:
                "[{id: brokerage, type: taxable, cash: 100, lots: [{symbol: VXUS, shares: 10, costBasis: 800, acquired: 2022-01-04}]}, {id: roth, type: taxExempt, cash: 10, pie: {slices: [{symbol: VXUS, weight: 100}]}, lots: [{symbol: VXUS, shares: 1, costBasis: 50, acquired: 2026-10-25}]}]"
        )
        #expect(h.groups.count == 2)
        #expect(h.lots[0].isLookBack)
        #expect(h.lots[0].rate == 0)
        #expect(h.lots[0].isGuardedLoss)
    }
}
