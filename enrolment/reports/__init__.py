"""Reports for the service and its funders: indicators, charts, exports and the annual report.

Reports read every app's data but write none; they live in the enrolment app because it is the
highest layer they need, and in their own package so that they stay apart from enrolment rules.
"""
