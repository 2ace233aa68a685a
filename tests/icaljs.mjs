// Reads an .ics document on stdin, parses it with ical.js (Thunderbird's parser) and
// prints what a calendar client would see, as JSON, so Python tests can check our output.
//
// Times are converted to UTC by ical.js using the VTIMEZONEs embedded in the document,
// never Node's own time zone database: a calendar whose rules are wrong must fail here.
import ICAL from "ical.js";

function fail(message) {
  process.stderr.write(`icaljs: ${message}\n`);
  process.exit(1);
}

async function readStdin() {
  const chunks = [];
  for await (const chunk of process.stdin) {
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString("utf8");
}

function address(property) {
  if (!property) {
    return null;
  }
  return {
    email: property.getFirstValue(),
    cn: property.getParameter("cn") ?? null,
    role: property.getParameter("role") ?? null,
    partstat: property.getParameter("partstat") ?? null,
    rsvp: property.getParameter("rsvp") ?? null,
  };
}

// A TZID-local time whose zone ical.js could not find in the document would silently be
// read as floating (and printed as if it were UTC), so it is an error rather than a value.
function utc(time, name, uid) {
  if (!time) {
    return null;
  }
  const zone = time.zone;
  if (zone !== ICAL.Timezone.utcTimezone && !zone.component) {
    fail(`${name} of ${uid} is ${time.toString()} in no embedded VTIMEZONE`);
  }
  return time.convertToZone(ICAL.Timezone.utcTimezone).toString();
}

function describe(vevent) {
  const event = new ICAL.Event(vevent);
  const uid = event.uid;
  const start = vevent.getFirstProperty("dtstart");
  return {
    uid,
    sequence: event.sequence,
    summary: event.summary ?? null,
    location: event.location ?? null,
    description: event.description ?? null,
    status: vevent.getFirstPropertyValue("status"),
    start_utc: utc(event.startDate, "DTSTART", uid),
    end_utc: utc(event.endDate, "DTEND", uid),
    start_tzid: start ? (start.getParameter("tzid") ?? null) : null,
    end_tzid: vevent.getFirstProperty("dtend")?.getParameter("tzid") ?? null,
    organizer: address(vevent.getFirstProperty("organizer")),
    attendees: vevent.getAllProperties("attendee").map(address),
  };
}

const text = await readStdin();
let calendar;
try {
  calendar = new ICAL.Component(ICAL.parse(text));
} catch (error) {
  fail(`cannot parse: ${error.message}`);
}
if (calendar.name !== "vcalendar") {
  fail(`the document is a ${calendar.name}, not a vcalendar`);
}

const timezones = [];
for (const vtimezone of calendar.getAllSubcomponents("vtimezone")) {
  const zone = new ICAL.Timezone(vtimezone);
  ICAL.TimezoneService.register(zone);
  timezones.push(zone.tzid);
}

let result;
try {
  result = {
    method: calendar.getFirstPropertyValue("method"),
    calendar_name: calendar.getFirstPropertyValue("x-wr-calname"),
    timezones,
    events: calendar.getAllSubcomponents("vevent").map(describe),
  };
} catch (error) {
  fail(`cannot read events: ${error.message}`);
}
process.stdout.write(JSON.stringify(result) + "\n");
