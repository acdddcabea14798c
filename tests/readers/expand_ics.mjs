// Expand the events of an .ics file as a calendar app shows them, with ical.js: each
// repeating event's rule (RRULE) walked, its EXDATEs left out and its RECURRENCE-ID
// overrides put in their place. Prints, as JSON, every occurrence: uid, start and end (UTC,
// ISO 8601) and summary. Usage: node expand_ics.mjs FILE
import { readFileSync } from "node:fs";
import ICAL from "ical.js";

const calendar = new ICAL.Component(ICAL.parse(readFileSync(process.argv[2], "utf8")));
for (const zone of calendar.getAllSubcomponents("vtimezone")) {
  ICAL.TimezoneService.register(zone);
}
const vevents = calendar.getAllSubcomponents("vevent");
const overrides = vevents.filter((vevent) => vevent.hasProperty("recurrence-id"));
const occurrences = [];
for (const vevent of vevents.filter((v) => !v.hasProperty("recurrence-id"))) {
  const event = new ICAL.Event(vevent);
  for (const override of overrides) {
    if (override.getFirstPropertyValue("uid") === event.uid) event.relateException(override);
  }
  const iso = (time) => time.toJSDate().toISOString();
  if (!event.isRecurring()) {
    occurrences.push({ uid: event.uid, start: iso(event.startDate), end: iso(event.endDate), summary: event.summary });
    continue;
  }
  const walk = event.iterator();
  for (let next = walk.next(), n = 0; next && n < 1000; next = walk.next(), n++) {
    const details = event.getOccurrenceDetails(next);
    occurrences.push({
      uid: event.uid,
      start: iso(details.startDate),
      end: iso(details.endDate),
      summary: details.item.summary,
    });
  }
}
process.stdout.write(JSON.stringify(occurrences));
