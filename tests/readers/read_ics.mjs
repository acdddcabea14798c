// Read .ics files as a calendar app does, with ical.js: print, as JSON, for each file its
// calendar name and each event's summary, description and location.
// Usage: node read_ics.mjs FILE...
import { readFileSync } from "node:fs";
import ICAL from "ical.js";

// The calendar's name is text (RFC 7986 NAME, and Apple's and Outlook's X-WR-CALNAME), as
// calendar apps read it; ical.js would otherwise keep it as it stands in the file.
for (const name of ["name", "x-wr-calname"]) {
  ICAL.design.defaultSet.property[name] = { defaultType: "text" };
}

const calendars = process.argv.slice(2).map((path) => {
  const calendar = new ICAL.Component(ICAL.parse(readFileSync(path, "utf8")));
  return {
    name: calendar.getFirstPropertyValue("x-wr-calname"),
    events: calendar.getAllSubcomponents("vevent").map((event) => ({
      uid: event.getFirstPropertyValue("uid"),
      summary: event.getFirstPropertyValue("summary"),
      description: event.getFirstPropertyValue("description"),
      location: event.getFirstPropertyValue("location"),
    })),
  };
});
process.stdout.write(JSON.stringify(calendars));
