# Production image: gunicorn serves the portal; the same image runs the Celery worker and beat.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    DJANGO_SETTINGS_MODULE=config.settings.production

WORKDIR /app
# The certificate PDF embeds a subset of this TrueType CJK font (settings.CERTIFICATE_FONT).
RUN apt-get update \
 && apt-get install -y --no-install-recommends fonts-arphic-uming \
 && rm -rf /var/lib/apt/lists/*
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt

COPY . .
# Static files and translations are built into the image; the values below exist only so
# settings load during the build (nothing connects to them).
RUN DJANGO_SECRET_KEY=build DJANGO_ALLOWED_HOSTS=build PII_ENCRYPTION_KEY=00000000000000000000000000000000 \
    DATABASE_URL=postgres://build@localhost/build REDIS_URL=redis://localhost:6379/0 \
    sh -c "python manage.py compile_translations && python manage.py collectstatic --noinput -v 0" \
 && useradd --create-home --uid 10001 portal \
 && mkdir -p /data/media && chown portal /data/media
USER portal

# Inside the container the portal listens on every interface; the host publishes the port.
ENV GUNICORN_BIND=0.0.0.0:8000
EXPOSE 8000
CMD ["gunicorn", "-c", "config/gunicorn.conf.py", "config.wsgi:application"]
