import { useEffect } from 'react'
import { useNavigate } from 'react-router-dom'
import { setApiHandlers } from './api/client'

/** Lets the framework-free API client steer the router on 401 and on account-setup refusals. */
export function ApiBridge() {
  const navigate = useNavigate()
  useEffect(() => {
    setApiHandlers({
      onUnauthorized: () => {
        const here = window.location.pathname.replace(/^\/console/, '') || '/'
        if (here.startsWith('/login')) return
        navigate('/login', { replace: true, state: { from: here + window.location.search } })
      },
      onGate: (code) => navigate(code === 'PASSWORD_CHANGE_REQUIRED' ? '/setup/password' : '/setup/totp', { replace: true }),
    })
    return () => setApiHandlers({})
  }, [navigate])
  return null
}
