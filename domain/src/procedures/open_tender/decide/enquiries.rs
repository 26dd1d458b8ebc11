//! Questions and answers during the enquiry period (spec §6).

use crate::Context;
use crate::procedures::common::{lookup, new_id, ownership, refusals};
use crate::procedures::open_tender::{
    Actor, Event, LotStatus, Question, QuestionInput, State, TenderStatus,
};
use crate::procurement::Refusal;

/// Spec §13: questions on a lot or an item are deferred with multi-lot
/// tenders; the one lot is the tender.
pub const LOT_QUESTIONS_DEFERRED: &str =
    "Questions about a lot or an item are not supported yet: ask about the tender";

/// Any broker may ask (`_actor`: no token is needed, spec Q-1).
pub(super) fn ask(
    state: &State,
    _actor: &Actor,
    input: &QuestionInput,
    author_hash: &str,
    context: &Context<'_>,
) -> Result<Vec<Event>, Refusal> {
    let tender = lookup::root(state)?;
    let now = context.now;
    // Q4: the status is required as well as the window (a deviation from
    // the reference, which looks at the window only).
    let period = &tender.enquiry_period;
    let in_window = period.start_date.is_some_and(|start| start <= now)
        && period.end_date.is_some_and(|end| now <= end);
    if tender.status != TenderStatus::ActiveEnquiries || !in_window {
        return Err(Refusal::not_allowed(
            "Can add question only in enquiryPeriod",
        ));
    }
    let question_of = input.question_of.as_deref().unwrap_or("tender");
    match question_of {
        "tender" => {}
        "lot" | "item" => return Err(Refusal::invalid("questionOf", LOT_QUESTIONS_DEFERRED)),
        _ => return Err(refusals::one_of("questionOf", &["tender", "item", "lot"])),
    }
    if tender
        .lots
        .iter()
        .all(|lot| lot.status != LotStatus::Active)
        && !tender.lots.is_empty()
    {
        return Err(Refusal::not_allowed(
            "Can add/update question only in active lot status",
        ));
    }
    if input.title.trim().is_empty() {
        return Err(refusals::required("title"));
    }
    Ok(vec![Event::QuestionAsked {
        question: Box::new(Question {
            id: new_id(context),
            author: input.author.clone(),
            author_hash: author_hash.to_owned(),
            title: input.title.clone(),
            description: input.description.clone(),
            question_of: question_of.to_owned(),
            related_item: None,
            answer: None,
            date_answered: None,
            date: now,
        }),
    }])
}

pub(super) fn answer(
    state: &State,
    actor: &Actor,
    question_id: &str,
    answer: &str,
    context: &Context<'_>,
) -> Result<Vec<Event>, Refusal> {
    let tender = lookup::root(state)?;
    lookup::by_id(&tender.questions, question_id, "question_id")?;
    let tender = ownership::owned_root(state, actor)?;
    if !matches!(
        tender.status,
        TenderStatus::ActiveEnquiries | TenderStatus::ActiveTendering
    ) {
        return Err(refusals::status_refusal(tender, "update question"));
    }
    if tender
        .enquiry_period
        .clarifications_until
        .is_some_and(|until| context.now > until)
    {
        return Err(Refusal::not_allowed(
            "Can update question only before enquiryPeriod.clarificationsUntil",
        ));
    }
    if answer.trim().is_empty() {
        return Err(refusals::required("answer"));
    }
    // Q4: a second answer replaces the first and is dated anew.
    Ok(vec![Event::QuestionAnswered {
        question_id: question_id.to_owned(),
        answer: answer.to_owned(),
        at: context.now,
    }])
}
