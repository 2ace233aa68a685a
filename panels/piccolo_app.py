"""Registers njp's tables and migrations with Piccolo."""

import os

from piccolo.conf.apps import AppConfig

from notifications.tables import (
    InboundSms,
    MailMessage,
    OutboxMessage,
    SmsOptOut,
    SmsSenderPace,
)
from panels.accounts.tables import ApiToken, Organisation, SignInThrottle, User, UserSession
from panels.availability.tables import OneOffWindow, WeeklyWindow
from panels.bookings.tables import Panel, PanelFacilitator, PanelNotice, ResourceHold
from panels.cases.tables import (
    Admission,
    AvailabilityWindow,
    Case,
    CaseEvent,
    Consent,
    ContactAttempt,
    Party,
    PersonalDataView,
    ReferenceCounter,
)
from panels.facilitators.tables import Facilitator
from panels.feedback.tables import Survey, SurveyAnswer
from panels.links.tables import AccessLink
from panels.messaging.tables import Invitation, SurveyPrompt
from panels.outcomes.tables import AgreementAction, PanelAttendance, PanelRecord
from panels.reparation.tables import Placement, ReparationProvider, ReparationSession
from panels.support.tables import SupportService
from panels.tasks.tables import Task
from panels.venues.tables import Venue

APP_CONFIG = AppConfig(
    app_name="panels",
    migrations_folder_path=os.path.join(os.path.dirname(__file__), "migrations"),
    table_classes=[
        Organisation,
        User,
        UserSession,
        ApiToken,
        SignInThrottle,
        ReferenceCounter,
        Case,
        Party,
        Consent,
        Admission,
        ContactAttempt,
        AvailabilityWindow,
        CaseEvent,
        PersonalDataView,
        Venue,
        Facilitator,
        WeeklyWindow,
        OneOffWindow,
        Panel,
        PanelFacilitator,
        ResourceHold,
        PanelNotice,
        OutboxMessage,
        SmsOptOut,
        SmsSenderPace,
        MailMessage,
        InboundSms,
        Invitation,
        SurveyPrompt,
        Task,
        SupportService,
        PanelRecord,
        PanelAttendance,
        AgreementAction,
        AccessLink,
        Survey,
        SurveyAnswer,
        ReparationProvider,
        ReparationSession,
        Placement,
    ],
    migration_dependencies=[],
    commands=[],
)
