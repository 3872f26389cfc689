"""The command line, as scripts use it."""

from wanted.auth.models import ApiToken, User
from wanted.extensions import db


def test_units_and_users_from_the_command_line(app, runner, client):
    assert runner.invoke(args=["units", "create", "T", "Công an tỉnh Thử"]).exit_code == 0
    result = runner.invoke(args=["units", "create", "T-X", "Công an xã X", "--parent", "T"])
    assert result.exit_code == 0
    result = runner.invoke(args=["users", "create", "cb.x", "--role", "officer", "--unit", "T-X",
                                 "--password", "a-long-password"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        user = db.session.scalar(db.select(User).where(User.username == "cb.x"))
        assert user.unit.parent.code == "T"
    token = runner.invoke(args=["users", "token", "cb.x"]).output.strip().splitlines()[-1]
    assert client.get("/api/v1/persons",
                      headers={"Authorization": f"Bearer {token}"}).status_code == 200
    with app.app_context():
        assert db.session.scalar(db.select(ApiToken.token_hash)) != token  # only a hash is kept


def test_cli_errors_are_clear(runner):
    result = runner.invoke(args=["units", "create", "T", "X", "--parent", "NOPE"])
    assert result.exit_code != 0 and "NOPE" in result.output
    result = runner.invoke(args=["users", "create", "u", "--role", "officer", "--unit", "NOPE",
                                 "--password", "a-long-password"])
    assert result.exit_code != 0 and "NOPE" in result.output
    runner.invoke(args=["units", "create", "T", "X"])
    result = runner.invoke(args=["users", "create", "u", "--role", "officer", "--unit", "T",
                                 "--password", "short"])
    assert result.exit_code != 0 and "password" in result.output.lower()
