// Drives one Dutch auction through its page in Debian's Chromium, as an
// observer and three participants would: every answer and bid is a click
// or typed into the page, and every check reads what the page shows.
// tests/tests/dutch_lot/browser.rs starts the server and the auction and
// runs this; by hand:
//
//   node dutch.mjs config.json
//
// config.json:
//   {
//     "chromium": "/usr/bin/chromium",
//     "auctionPage": "http://127.0.0.1:8080/auctions/<id>",
//     "screenshots": "/tmp/shots",
//     "timeoutSeconds": 120,
//     "participants": {"a": "<participationUrl>", "b": "…", "c": "…"},
//     "stopAt": {"step": 3, "price": "1470"},      (A accepts that step's price)
//     "sealedBid": "1600.55",                       (B's in round 2)
//     "finalBids": {"refused": "1605", "refusal": "Замала сума", "accepted": "1610.55"}
//   }
//
// C declines the terms and observes; A and B agree. A stops round 1, B
// bids sealed in round 2, A has the last word in round 3 and wins.
// Exits 0 when everything went as planned, 1 with the reason otherwise.

import { PHONE, fail, finished, log, run, text, until } from "./common.mjs";

// The stages as the page names them in Ukrainian.
const PAUSE = "Пауза";
const SEALED = "Закриті ставки, раунд 2";
const FINAL = "Остання ставка, раунд 3";
const step = k => `Крок, раунд 1, #${k}`;

// In the page: the current stage is `name`.
function stageIs(name) {
  const cell = document.querySelector("#stages tbody tr.current td");
  return !!cell && cell.textContent === name;
}

// In the page: stage `name` is current and the bid form is open.
function biddingIn(name) {
  const cell = document.querySelector("#stages tbody tr.current td");
  const button = document.querySelector("#bid-button");
  return !!cell && cell.textContent === name && button.offsetParent !== null && !button.disabled;
}

// The bid controls a person sees on the participant's part of the page,
// disabled ones too: an observer or a participant with nothing to do
// should see none.
async function controls(page) {
  return page.evaluate(() => [...document.querySelectorAll("#you button, #you input")]
    .filter(el => el.offsetParent !== null)
    .map(el => el.id));
}

async function noControls(page, who, when) {
  const open = await controls(page);
  if (open.length) fail(`${who}'s page offers ${open.join(", ")} ${when}`);
}

// The page's rows of `table` as their cells' texts.
async function rows(page, table) {
  return page.$$eval(`${table} tbody tr`, trs => trs.map(tr => [...tr.cells].map(td => td.textContent)));
}

function hasRow(rows, round, label, amount) {
  return rows.some(([r, who, value]) => r === String(round) && who === label && Number(value) === Number(amount));
}

// Waits on `page` for the message of a bid: "ok" or "error" with `words`.
async function message(page, who, kind, words) {
  await until(page, `${who}'s message "${words}"`,
    ({ kind, words }) => { const m = document.querySelector("#message"); return m.className === kind && m.textContent.includes(words); },
    { kind, words }, 10000);
  return text(page, "#message");
}

run("dutch.mjs", async ({ config, timeout, open, shoot }) => {
  const links = config.participants;
  // All at once: the familiarisation pause is short on a fast clock.
  const [observer, a, b, c] = await Promise.all([
    open("observer", config.auctionPage),
    open("a", links.a),
    open("b", links.b, PHONE),
    open("c", links.c),
  ]);
  // Set once: still there at the end means the page never reloaded.
  await observer.evaluate(() => { window.notReloaded = true; });
  if (!(await observer.evaluate(stageIs, PAUSE))) {
    fail(`the familiarisation pause was over before the pages opened (stage "${await text(observer, "#stage-name")}")`);
  }
  const countdown = await text(observer, "#countdown");
  if (!/^\d+:\d\d/.test(countdown)) fail(`the countdown shows "${countdown}"`);

  // The terms come first: a participant's page offers nothing else.
  for (const [name, page] of [["a", a], ["b", b], ["c", c]]) {
    await until(page, `${name}'s terms disclaimer`,
      () => !document.querySelector("#terms").hidden && document.querySelector("#you").hidden, null, 5000);
  }
  if (await observer.locator("#terms").isVisible()) fail("the observer is asked to agree to the terms");
  await shoot(observer, "01-familiarisation-observer");
  await shoot(a, "01-familiarisation-a-terms");

  await c.click("#terms-decline");
  await until(c, "c's page to show it as an observer",
    () => document.querySelector("#terms").hidden && document.querySelector("#you-label").textContent === "Ви спостерігач",
    null, 5000);
  await noControls(c, "c", "after declining the terms");
  log("c declined the terms and observes");
  await shoot(c, "01-familiarisation-c-declined");

  const labels = {};
  for (const [name, page] of [["a", a], ["b", b]]) {
    await page.click("#terms-accept");
    await until(page, `${name}'s page after agreeing to the terms`,
      () => document.querySelector("#terms").hidden && /^Ви — Учасник \d+$/.test(document.querySelector("#you-label").textContent),
      null, 5000);
    labels[name] = (await text(page, "#you-label")).replace("Ви — ", "");
    log(`${name} agreed to the terms: ${labels[name]}`);
  }
  await shoot(a, "01-familiarisation-a");

  // Round 1: every page shows the price on offer, the current step's.
  const { step: k, price } = config.stopAt;
  if (!(k >= 2)) fail("stopAt.step must be 2 or more: the step before it is shot before the stop");
  await until(observer, `step ${k - 1} of round 1`, stageIs, step(k - 1), timeout);
  await until(observer, "the observer's current price", () => {
    const current = document.querySelector("#stages tbody tr.current");
    return !!current && document.querySelector("#price").textContent === `Ціна зараз: ${current.cells[2].textContent}`;
  }, null, 5000);
  await until(b, "b's accept button",
    () => !document.querySelector("#accept-button").hidden && /^Ціна зараз: \d/.test(document.querySelector("#bounds").textContent),
    null, 5000);
  log(`round 1, step ${k - 1}: observer shows "${await text(observer, "#price")}", b is offered "${await text(b, "#bounds")}"`);
  await shoot(observer, "02-round-1-observer");
  await shoot(b, "02-round-1-b");

  await until(a, `step ${k} on a's page`,
    name => { const cell = document.querySelector("#stages tbody tr.current td"); return !!cell && cell.textContent === name && !document.querySelector("#accept-button").hidden; },
    step(k), timeout);
  const offer = await text(a, "#bounds");
  if (offer !== `Ціна зараз: ${price}`) fail(`a is offered "${offer}" at step ${k}, expected ${price}`);
  if (await a.locator("#amount").isVisible()) fail("a's page asks for an amount where it only accepts the price");
  await a.click("#accept-button");
  log(`a accepted ${price}: "${await message(a, "a", "ok", "Ціну прийнято")}"`);

  const stopped = `Аукціон зупинено: ${labels.a} прийняв ціну ${price} на кроці ${k}`;
  for (const [name, page] of [["observer", observer], ["b", b], ["c", c]]) {
    await until(page, `${name}'s page to say "${stopped}"`, words => document.querySelector("#price").textContent === words, stopped, 5000);
  }
  await noControls(b, "b", "after the stop");
  if (!hasRow(await rows(observer, "#chronicle"), 1, labels.a, price)) fail("the observer's chronicle lacks the stop");
  log(`observer, b and c: "${stopped}"`);
  await shoot(observer, "03-round-1-stopped-observer");
  await shoot(b, "03-round-1-stopped-b");
  await shoot(a, "03-round-1-stopped-a");

  // Round 2: B's sealed bid is B's alone until the round ends.
  const sealed = config.sealedBid;
  await until(b, "b's sealed bid form in round 2", biddingIn, SEALED, timeout);
  await until(a, "round 2 on a's page", stageIs, SEALED, 5000);
  await noControls(a, "a", "in round 2");
  const stale = await text(a, "#message");
  if (stale !== "") fail(`a's message from round 1 is still shown in round 2: "${stale}"`);
  const bounds = await text(b, "#bounds");
  await b.fill("#amount", sealed);
  await b.click("#bid-button");
  const placed = await message(b, "b", "ok", "Ставку прийнято");
  await until(b, "b's own sealed bid", amount => document.querySelector("#you-own").textContent.includes(amount), sealed, 5000);
  log(`b placed the sealed bid ${sealed} (${bounds}): "${placed}", "${await text(b, "#you-own")}"`);
  await shoot(observer, "04-round-2-observer");
  await shoot(b, "04-round-2-b");
  await shoot(a, "04-round-2-a");
  // Watched on every other page until round 3 begins, then shown.
  const watchers = [["observer", observer], ["a", a], ["c", c]];
  await Promise.all(watchers.map(([name, page]) => until(page, `round 3 on ${name}'s page`,
    ({ name, amount }) => {
      const cell = document.querySelector("#stages tbody tr.current td");
      const now = cell ? cell.textContent : "";
      if (now !== name && document.body.innerText.includes(amount)) window.sealedSeen ??= now || "no stage";
      return now === name;
    }, { name: FINAL, amount: sealed }, timeout)));
  for (const [name, page] of watchers) {
    const seen = await page.evaluate(() => window.sealedSeen);
    if (seen) fail(`${name}'s page showed b's sealed bid ${sealed} during "${seen}"`);
  }
  await until(observer, "the sealed bid in the observer's chronicle once round 2 is over",
    ({ label, amount }) => [...document.querySelectorAll("#chronicle tbody tr")]
      .some(tr => tr.cells[0].textContent === "2" && tr.cells[1].textContent === label && Number(tr.cells[2].textContent) === Number(amount)),
    { label: labels.b, amount: sealed }, 5000);
  log(`round 2 over: nobody saw ${sealed} before, the observer sees it now`);

  // Round 3: A's last word, first too low.
  const { refused, refusal, accepted } = config.finalBids;
  await until(a, "a's form in round 3", biddingIn, FINAL, 5000);
  await noControls(b, "b", "in round 3");
  const limits = await text(a, "#bounds");
  await a.fill("#amount", refused);
  await a.click("#bid-button");
  log(`a's ${refused} refused (${limits}): "${await message(a, "a", "error", refusal)}"`);
  await shoot(a, "05-round-3-a-refused");
  await a.fill("#amount", accepted);
  await a.click("#bid-button");
  await message(a, "a", "ok", "Ставку прийнято");
  await until(a, "a's own final bid", amount => document.querySelector("#you-own").textContent.includes(amount), accepted, 5000);
  log(`a's ${accepted} accepted: "${await text(a, "#you-own")}"`);
  if ((await observer.evaluate(() => document.body.innerText)).includes(accepted)) fail(`the observer sees a's final bid ${accepted} during round 3`);
  await shoot(observer, "05-round-3-observer");
  await shoot(a, "05-round-3-a");

  // The end: A first at its last word, B second at its sealed bid.
  await until(observer, "the end of the auction", finished, null, timeout);
  await until(observer, "the final standings", () => !!document.querySelector("#standings tbody tr td:nth-child(3)")?.textContent, null, 5000);
  const standings = (await rows(observer, "#standings")).map(([rank, label, amount]) => `${rank}. ${label} ${amount}`);
  const expected = [`1. ${labels.a} ${Number(accepted)}`, `2. ${labels.b} ${Number(sealed)}`];
  if (standings.slice(0, 2).join("; ") !== expected.join("; ")) fail(`final standings ${standings.join("; ")}, expected ${expected.join("; ")} first`);
  if (!hasRow(await rows(observer, "#chronicle"), 3, labels.a, accepted)) fail("the observer's chronicle lacks a's final bid");
  log(`observer: "${await text(observer, "#status")}", standings ${standings.join("; ")}`);
  await shoot(observer, "06-after-end-observer");
  await shoot(a, "06-after-end-a");
  for (const [name, page] of [["a", a], ["b", b], ["c", c]]) await noControls(page, name, "after the end");
  if (!(await observer.evaluate(() => window.notReloaded === true))) fail("the observer page reloaded");
});
