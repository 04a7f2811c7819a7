from django.urls import path

from . import views

urlpatterns = [
    path("survei/<year:year>/", views.survey_detail, name="survey-detail"),
    path("survei/templat/<slug:instrument>.<slug:fmt>", views.survey_template, name="survey-template"),
]
