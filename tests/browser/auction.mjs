// Drives one turn-based auction through its page in Debian's Chromium, as
// an observer and its bidders would: every bid is typed into the page and
// every check reads what the page shows. api/tests/auction_page.rs starts
// the server and the auction and runs this; by hand:
//
//   node auction.mjs config.json
//
// config.json:
//   {
//     "chromium": "/usr/bin/chromium",
//     "auctionPage": "http://127.0.0.1:8080/auctions/<id>",
//     "screenshots": "/tmp/shots",
//     "timeoutSeconds": 120,
//     "finalAmounts": ["120", "110", "100"],      (standings at the end, best first)
//     "bidders": [
//       {"name": "u1", "url": "<participationUrl>",
//        "photographed": true,                      (its page is shot at every stage)
//        "bids": [{"round": 1, "amount": "115"}]},
//       {"name": "u2", "url": "…", "phone": true, "english": true, "bids": […]},
//       {"name": "u3", "url": "…",
//        "bids": [{"round": 1, "amount": "100", "refused": "Замала сума"}]}
//     ]
//   }
//
// Exits 0 when everything went as planned, 1 with the reason otherwise.

import { DESKTOP, PHONE, deferred, fail, finished, log, run, text, until } from "./common.mjs";

// In the page: the round of the current stage and whether the bid form is
// open, read off the stages table and the form as a person would.
function turnOpen(round) {
  const you = document.querySelector("#you");
  const button = document.querySelector("#bid-button");
  const current = document.querySelector("#stages tbody tr.current td");
  const m = current && /(?:раунд|round)\s+(\d+)/.exec(current.textContent);
  return !you.hidden && !button.disabled && !button.hidden && !!m && Number(m[1]) === round;
}

// In the page: the current stage is the last turn of `round` (a turn has
// its bidder's label; the stage after it is a pause or none).
function lastTurnOf(round) {
  const current = document.querySelector("#stages tbody tr.current");
  if (!current) return false;
  const m = /(?:раунд|round)\s+(\d+)/.exec(current.cells[0].textContent);
  const next = current.nextElementSibling;
  return !!m && Number(m[1]) === round && current.cells[1].textContent !== "" && (!next || next.cells[1].textContent === "");
}

// In the page: a chronicle row of `round` for the bidder numbered `n` with
// `amount`, shown bold (changed in that turn).
function chronicleHas({ round, n, amount }) {
  return [...document.querySelectorAll("#chronicle tbody tr")].some(tr => {
    const [r, who, value] = tr.cells;
    return r.textContent === String(round) && new RegExp(`\\b${n}$`).test(who.textContent)
      && Number(value.textContent) === Number(amount) && value.classList.contains("changed");
  });
}

run("auction.mjs", async ({ config, timeout, open, shoot }) => {
  // All at once: the opening pause is short on a fast clock.
  const [observer, ...pages] = await Promise.all([
    open("observer", config.auctionPage, DESKTOP),
    ...config.bidders.map(b => open(b.name, b.url, b.phone ? PHONE : DESKTOP)),
  ]);
  // Set once: still there at the end means the page never reloaded.
  await observer.evaluate(() => { window.notReloaded = true; });
  const bidders = [];
  for (const [i, b] of config.bidders.entries()) {
    const page = pages[i];
    const label = await text(page, "#you-label");
    const n = /(\d+)$/.exec(label)?.[1] ?? fail(`${b.name}: no bidder label on its page ("${label}")`);
    if (b.english) {
      await page.click("[data-lang=en]");
      const title = await text(page, "#title");
      if (title !== "Auction") fail(`${b.name}: the page did not switch to English (title "${title}")`);
      log(`${b.name}: page switched to English`);
    }
    bidders.push({ ...b, page, n, done: new Map((b.bids ?? []).map(bid => [bid.round, deferred()])) });
    log(`${b.name} is bidder ${n} (${b.phone ? "phone" : "desktop"})`);
  }
  const rounds = await observer.evaluate(() => Math.max(...[...document.querySelectorAll("#stages tbody tr")]
    .map(tr => Number(/(?:раунд|round)\s+(\d+)/.exec(tr.cells[0].textContent)?.[1] ?? 0))));
  if (!(rounds >= 1)) fail(`the observer's stages table names no round`);
  const photographed = bidders.find(b => b.photographed) ?? bidders[0];
  const countdown = await text(observer, "#countdown");
  if (!/^\d+:\d\d/.test(countdown)) fail(`the countdown shows "${countdown}"`);
  await shoot(observer, "01-before-start-observer");
  await shoot(photographed.page, `01-before-start-bidder-${photographed.name}`);

  // Each bidder bids in its own turns; they run side by side and the
  // page's turn order decides who goes when.
  async function bidding(b) {
    for (const bid of b.bids ?? []) {
      await until(b.page, `${b.name}'s turn in round ${bid.round}`, turnOpen, bid.round, timeout);
      const bounds = await text(b.page, "#bounds");
      await b.page.fill("#amount", bid.amount);
      await b.page.click("#bid-button");
      if (bid.refused) {
        await until(b.page, `${b.name}'s refusal "${bid.refused}"`,
          expected => { const m = document.querySelector("#message"); return m.className === "error" && m.textContent.includes(expected); },
          bid.refused, 10000);
        log(`${b.name} round ${bid.round}: ${bid.amount} refused as it should be: "${await text(b.page, "#message")}" (${bounds})`);
        await shoot(b.page, `0${bid.round + 1}-round-${bid.round}-${b.name}-refused-bid`);
      } else {
        await until(b.page, `${b.name}'s bid ${bid.amount} accepted`,
          amount => document.querySelector("#message").className === "ok"
            && document.querySelector("#you-own").textContent.includes(amount),
          bid.amount, 10000);
        log(`${b.name} round ${bid.round}: ${bid.amount} accepted: "${await text(b.page, "#message")}" (${bounds})`);
        if (b.phone) await shoot(b.page, `0${bid.round + 1}-round-${bid.round}-${b.name}-phone${b.english ? "-en" : ""}`);
      }
      b.done.get(bid.round)?.resolve();
      if (!bid.refused) {
        // The observer sees the amount once the turn is over, live.
        await until(observer, `the observer's chronicle to show ${b.name}'s ${bid.amount} in round ${bid.round}`,
          chronicleHas, { round: bid.round, n: b.n, amount: bid.amount }, timeout);
        log(`observer: chronicle shows bidder ${b.n}'s ${bid.amount} in round ${bid.round}`);
      }
    }
  }
  // Each round is shot in its last turn, once that round's bids are in.
  async function photographing() {
    for (let round = 1; round <= rounds; round++) {
      await until(observer, `the last turn of round ${round}`, lastTurnOf, round, timeout);
      await Promise.all(bidders.map(b => b.done.get(round)?.promise));
      await shoot(observer, `0${round + 1}-round-${round}-observer`);
      await shoot(photographed.page, `0${round + 1}-round-${round}-bidder-${photographed.name}`);
    }
    await until(observer, "the end of the auction", finished, null, timeout);
    const end = `0${rounds + 2}-after-end`;
    await shoot(observer, `${end}-observer`);
    await shoot(photographed.page, `${end}-bidder-${photographed.name}`);
  }
  await Promise.all([...bidders.map(bidding), photographing()]);

  if (config.finalAmounts) {
    const amounts = await observer.$$eval("#standings tbody tr", rows => rows.map(tr => tr.cells[2].textContent));
    if (amounts.map(Number).join() !== config.finalAmounts.map(Number).join()) {
      fail(`final standings ${amounts.join(", ")}, expected ${config.finalAmounts.join(", ")}`);
    }
    log(`observer: final standings ${amounts.join(", ")}`);
  }
  for (const b of bidders) {
    const bounds = await text(b.page, "#bounds");
    if (!(await b.page.locator("#bid-button").isDisabled())) fail(`${b.name}: the bid form is still open after the end`);
    if (bounds !== "") fail(`${b.name}: bounds still shown after the end: "${bounds}"`);
    const message = await text(b.page, "#message");
    if (message !== "") fail(`${b.name}: a bid's message outlived its turn: "${message}"`);
  }
  if (!(await observer.evaluate(() => window.notReloaded === true))) fail("the observer page reloaded");
});
